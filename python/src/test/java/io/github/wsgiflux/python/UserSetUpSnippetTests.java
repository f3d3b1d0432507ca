package io.github.wsgiflux.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up of the optimized runtime that README gives users is the one the invoker's user project
 * ({@code src/it/user-project}) proves: the same lines, whatever the indentation.
 */
class UserSetUpSnippetTests {

	@Test
	void readmeSnippetIsTheUserProjectsBlockVerbatim() throws IOException {
		List<String> pom = Files.readAllLines(Path.of("src/it/user-project/pom.xml"));
		List<String> proved = trimmed(pom.subList(pom.indexOf("\t\t<!-- optimized Truffle runtime: begin -->") + 1,
				pom.indexOf("\t\t<!-- optimized Truffle runtime: end -->")));
		List<String> readme = Files.readAllLines(Path.of("../README.md"));
		int section = readme.indexOf("### The optimized runtime: set-up from your own pom");
		int start = readme.subList(section, readme.size()).indexOf("<profiles>") + section + 1;
		int end = readme.subList(start, readme.size()).indexOf("</profiles>") + start;
		assertThat(trimmed(readme.subList(start, end))).isNotEmpty().isEqualTo(proved);
	}

	private static List<String> trimmed(List<String> lines) {
		return lines.stream().map(String::strip).toList();
	}

}
