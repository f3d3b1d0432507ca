package io.github.wsgiflux.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused requests are logged at most once per cause per second, each line counting the refusals it stands for:
 * a client sending bad input in a loop cannot flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTests {

	@Test
	void oneLinePerCausePerSecondCountingTheOthers(CapturedOutput output) throws Exception {
		RefusalLog log = new RefusalLog();
		for (int i = 0; i < 5; i++) {
			log.refused(RefusalLog.Cause.HOST, 400, "GET", "/h" + i, "No Host field");
		}
		log.refused(RefusalLog.Cause.HEADER_COUNT, 431, "GET", "/c", "101 header lines");
		assertThat(lines(output, "with 400")).isEqualTo(1);
		assertThat(output).contains("Refused GET /h0 with 400: No Host field")
			.contains("Refused GET /c with 431: 101 header lines");
		Thread.sleep(1100);
		log.refused(RefusalLog.Cause.HOST, 400, "GET", "/later", "No Host field");
		assertThat(lines(output, "with 400")).isEqualTo(2);
		assertThat(output).contains("Refused GET /later with 400: No Host field (and 4 more refusals of this cause");
	}

	private static long lines(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).count();
	}

}
