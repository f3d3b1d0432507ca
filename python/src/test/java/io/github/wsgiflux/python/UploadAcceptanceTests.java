package io.github.wsgiflux.python;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.wsgiflux.server.WsgiRequestObserver;
import io.github.wsgiflux.server.WsgiRequestRecord;
import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.NettyLeaks;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real uploads from real clients ({@code curl}, raw sockets) through the third-party readers of {@code wsgi.input}
 * users rely on: Flask's {@code request.files} (werkzeug's multipart parser), {@code request.get_data()},
 * {@code request.stream.read(n)} and {@code request.form}, and Django's {@code request.FILES}. Random bodies of a few
 * bytes to 20 MB, with a {@code Content-Length} or chunked, over HTTP/1.1 and HTTP/2 cleartext; the applications
 * answer the length and SHA-256 of what they received. Then clients that misbehave: half a body and gone, a trickle
 * beside a fast upload, twenty uploads at once. The server must keep answering, every request must end, and Netty's
 * leak detector ({@code paranoid}) must stay silent.
 */
@SpringBootTest(classes = UploadAcceptanceTests.UploadApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.http2.enabled=true")
@ExtendWith(NettyLeaks.class)
class UploadAcceptanceTests {

	private static final int MB = 1024 * 1024;

	@TempDir
	static Path files;

	private static final Map<Long, Path> BODIES = new ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	@Autowired
	RequestCounter requests;

	@BeforeAll
	static void curlIsThere() throws Exception {
		assertThat(run(List.of("curl", "--version")).stdout).contains("HTTP2");
	}

	// ---- Flask: request.files ---------------------------------------------------------------------------------

	@Test
	void flaskRequestFilesReceivesEveryByteWithContentLengthOverHttp11() throws Exception {
		for (long size : new long[] { 1, 7_777, 300_001, 3 * MB + 17 }) {
			assertMultipart("/flask/files", size, Transport.HTTP11);
		}
	}

	@Test
	void flaskRequestFilesReceivesEveryByteChunkedOverHttp11() throws Exception {
		for (long size : new long[] { 5, 65_537, 3 * MB + 17 }) {
			assertMultipart("/flask/files", size, Transport.HTTP11_CHUNKED);
		}
	}

	@Test
	void flaskRequestFilesReceivesEveryByteOverH2c() throws Exception {
		for (long size : new long[] { 3, 100_000, 3 * MB + 17 }) {
			assertMultipart("/flask/files", size, Transport.H2C);
		}
	}

	@Test
	void flaskRequestFilesReceivesTwentyMegabytes() throws Exception {
		for (Transport transport : Transport.values()) {
			assertMultipart("/flask/files", 20 * MB + 3, transport);
		}
	}

	@Test
	void flaskRequestFilesReceivesSeveralFilesAndFieldsInOneBody() throws Exception {
		Path a = body(1_000_003);
		Path b = body(1);
		Path c = body(64 * 1024);
		String text = "r\u00e9sum\u00e9 " + Base64.getEncoder().encodeToString(Files.readAllBytes(body(4_000)));
		for (Transport transport : List.of(Transport.HTTP11, Transport.HTTP11_CHUNKED, Transport.H2C)) {
			List<String> args = new ArrayList<>(List.of("-F", "b=@" + b + ";filename=b.bin", "-F",
					"a=@" + a + ";filename=a.bin", "-F", "a=@" + c + ";filename=c.bin", "-F", "note=" + text));
			if (transport == Transport.HTTP11_CHUNKED) {
				args.addAll(List.of("-H", "Transfer-Encoding: chunked"));
			}
			Response response = curl(transport, "/flask/files", args.toArray(String[]::new));
			assertThat(response.body).as(transport.name())
				.isEqualTo(fileLine("a", "a.bin", a) + fileLine("a", "c.bin", c) + fileLine("b", "b.bin", b)
						+ "field note " + digest(text.getBytes(StandardCharsets.UTF_8)) + "\n");
		}
	}

	// ---- Flask: get_data, stream.read(n), form -------------------------------------------------------------

	@Test
	void flaskGetDataReceivesEveryByteWhateverTheTransfer() throws Exception {
		for (long size : new long[] { 1, 8_191, 8_193, 1 * MB + 1, 20 * MB }) {
			Path body = body(size);
			for (Transport transport : Transport.values()) {
				Response response = transport.upload(this, "/flask/data", body);
				assertThat(response.body).as("%s bytes %s", size, transport).isEqualTo(digest(body) + "\n");
			}
		}
	}

	@Test
	void flaskStreamReadReturnsFullReadsUntilTheEndOfTheBody() throws Exception {
		for (int readSize : new int[] { 1_000, 65_536, 1 * MB }) {
			for (long size : new long[] { 10, 999_999, 5 * MB + 5 }) {
				Path body = body(size);
				for (Transport transport : Transport.values()) {
					Response response = transport.upload(this, "/flask/stream?size=" + readSize, body);
					// At most one short read: the last one.
					int shortReads = (size % readSize == 0) ? 0 : 1;
					assertThat(response.body).as("read(%s) of %s bytes %s", readSize, size, transport)
						.isEqualTo(digest(body) + " short=" + shortReads + "\n");
				}
			}
		}
	}

	@Test
	void flaskRequestFormReceivesLargeUrlencodedFields() throws Exception {
		for (int size : new int[] { 10, 200_000, 2 * MB }) {
			String value = Base64.getEncoder().encodeToString(Files.readAllBytes(body(size))) + " & = %\u00e9";
			Path field = files.resolve("field-" + size + ".txt");
			Files.writeString(field, value);
			for (Transport transport : Transport.values()) {
				List<String> args = new ArrayList<>(List.of("--data-urlencode", "big@" + field, "--data-urlencode",
						"small=x y"));
				if (transport == Transport.H2C_STREAMED) {
					continue;
				}
				if (transport == Transport.HTTP11_CHUNKED) {
					args.addAll(List.of("-H", "Transfer-Encoding: chunked"));
				}
				Response response = curl(transport, "/flask/form", args.toArray(String[]::new));
				assertThat(response.body).as("%s chars %s", value.length(), transport)
					.isEqualTo("field big " + digest(value.getBytes(StandardCharsets.UTF_8)) + "\nfield small "
							+ digest("x y".getBytes(StandardCharsets.UTF_8)) + "\n");
			}
		}
	}

	// ---- Django: request.FILES -----------------------------------------------------------------------------

	@Test
	void djangoRequestFilesReceivesEveryByteInMemoryAndInATemporaryFile() throws Exception {
		for (long size : new long[] { 1, 100_000, 3 * MB + 1, 20 * MB }) {
			Path body = body(size);
			String kind = (size <= 2_621_440) ? "InMemoryUploadedFile" : "TemporaryUploadedFile";
			// Django 3.2 reads CONTENT_LENGTH bytes of wsgi.input (none without it), under any server.
			for (Transport transport : Transport.WITH_LENGTH) {
				Response response = multipart(transport, "/django/upload", "doc", body, "doc.bin");
				assertThat(response.body).as("%s bytes %s", size, transport)
					.isEqualTo("file doc doc.bin " + digest(body) + " " + kind + "\n");
			}
		}
	}

	@Test
	void djangoRequestBodyReceivesEveryByte() throws Exception {
		for (long size : new long[] { 1, 1 * MB }) {
			Path body = body(size);
			for (Transport transport : Transport.WITH_LENGTH) {
				assertThat(transport.upload(this, "/django/body", body).body).as("%s bytes %s", size, transport)
					.isEqualTo(digest(body) + "\n");
			}
		}
	}

	// ---- Abuse ---------------------------------------------------------------------------------------------

	@Test
	void clientsThatSendHalfABodyAndGoAwayLeaveTheServerServing() throws Exception {
		for (String path : List.of("/flask/data", "/flask/stream?size=65536", "/flask/files", "/django/upload")) {
			for (boolean reset : new boolean[] { false, true }) {
				halfBodyThenGone(path, 4 * MB, 1 * MB + 333, reset);
			}
		}
		// curl giving up in the middle of a slow upload.
		Path big = body(5 * MB);
		Process slow = start(List.of("curl", "-sS", "-o", "/dev/null", "--limit-rate", "200k", "--max-time", "2",
				"--data-binary", "@" + big, url("/flask/stream?size=65536")));
		assertThat(slow.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(slow.exitValue()).as("curl timed out").isEqualTo(28);
		assertServing();
		assertEveryRequestEnded();
	}

	@Test
	void aTricklingUploadDoesNotHoldBackAFastOne() throws Exception {
		// Two slow clients, HTTP/1.1 multipart and HTTP/2, whose bodies come from pipes this test holds open: they are
		// still sending, however long the fast uploads take, until the test sends the rest.
		byte[] small = Files.readAllBytes(body(150_000));
		Path big = body(20 * MB);
		String boundary = "------------------------wsgiflux" + System.nanoTime();
		byte[] form = concat(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"t.bin\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), small,
				("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
		Process trickle = start(List.of("curl", "-sS", "-X", "POST", "-T", "-", "-H",
				"Content-Type: multipart/form-data; boundary=" + boundary, url("/flask/files")));
		Process trickleH2 = start(List.of("curl", "-sS", "--http2-prior-knowledge", "-X", "POST", "-T", "-", "-H",
				"Content-Type: application/octet-stream", url("/flask/stream?size=4096")));
		OutputStream trickling = trickle.getOutputStream();
		OutputStream tricklingH2 = trickleH2.getOutputStream();
		int sent = 10_000;
		trickling.write(form, 0, sent);
		trickling.flush();
		tricklingH2.write(small, 0, sent);
		tricklingH2.flush();
		Thread.sleep(500);
		for (Transport transport : Transport.values()) {
			assertThat(transport.upload(this, "/flask/data", big).body).isEqualTo(digest(big) + "\n");
		}
		assertThat(trickle.isAlive()).as("the HTTP/1.1 trickle is still sending").isTrue();
		assertThat(trickleH2.isAlive()).as("the HTTP/2 trickle is still sending").isTrue();
		trickling.write(form, sent, form.length - sent);
		trickling.close();
		tricklingH2.write(small, sent, small.length - sent);
		tricklingH2.close();
		assertThat(output(trickle)).isEqualTo("file doc t.bin " + digest(small) + "\n");
		assertThat(output(trickleH2)).isEqualTo(digest(small) + " short=1\n");
		assertEveryRequestEnded();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream joined = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			joined.writeBytes(part);
		}
		return joined.toByteArray();
	}

	@Test
	void anUnreadBodyDoesNotSpoilTheNextRequestOnTheSameConnection() throws Exception {
		Path body = body(5 * MB + 1);
		// The WSGI GET /flask/ping never reads the body, nor does the native /native/ping; curl reuses the
		// connection for the next URL (with "Expect: 100-continue" for a body over 1 MiB, or without).
		for (String ping : List.of("/native/ping", "/flask/ping")) {
			for (List<String> expect : List.of(List.<String>of(), List.of("-H", "Expect:"))) {
				List<String> command = new ArrayList<>(List.of("curl", "-v", "-sS", "-X", "GET"));
				command.addAll(expect);
				command.addAll(List.of("--data-binary", "@" + body, url(ping), "--next", "-sS",
						"-H", "Content-Type: application/octet-stream", "--data-binary", "@" + body, url("/flask/data"),
						"--next", "-sS", url(ping)));
				Result result = run(command);
				assertThat(result.exit).as(result.stderr).isZero();
				assertThat(result.stdout).as("%s %s\n%s", ping, expect, result.stderr)
					.isEqualTo("pong\n" + digest(body) + "\npong\n");
			}
		}
		Result chunked = run(List.of("bash", "-c", "cat " + body + " | curl -sS -X GET -T - " + url("/flask/ping")
				+ " --next -sS " + url("/flask/ping")));
		assertThat(chunked.exit).as(chunked.stderr).isZero();
		assertThat(chunked.stdout).isEqualTo("pong\npong\n");
		assertServing();
		assertEveryRequestEnded();
	}

	// ---- helpers -------------------------------------------------------------------------------------------

	enum Transport {

		/** HTTP/1.1 with a {@code Content-Length}. */
		HTTP11,
		/** HTTP/1.1 chunked. */
		HTTP11_CHUNKED,
		/** HTTP/2 cleartext with a {@code Content-Length}. */
		H2C,
		/** HTTP/2 cleartext without a {@code Content-Length} (from a pipe). */
		H2C_STREAMED;

		static final List<Transport> WITH_LENGTH = List.of(HTTP11, H2C);

		boolean h2() {
			return this == H2C || this == H2C_STREAMED;
		}

		/** A raw body: {@code --data-binary @file}, or from a pipe with {@code -T -} (no length). */
		Response upload(UploadAcceptanceTests test, String path, Path body) throws Exception {
			return switch (this) {
				case HTTP11, H2C -> test.curl(this, path, "-H", "Content-Type: application/octet-stream",
						"--data-binary", "@" + body);
				case HTTP11_CHUNKED -> test.curlFromPipe(path, body, false, "application/octet-stream");
				case H2C_STREAMED -> test.curlFromPipe(path, body, true, "application/octet-stream");
			};
		}

	}

	private void assertMultipart(String path, long size, Transport transport) throws Exception {
		Path body = body(size);
		Response response = multipart(transport, path, "doc", body, "doc.bin");
		assertThat(response.body).as("%s bytes %s", size, transport).isEqualTo(fileLine("doc", "doc.bin", body));
	}

	/**
	 * One file in a multipart body: curl's {@code -F} (with {@code Transfer-Encoding: chunked} for
	 * {@link Transport#HTTP11_CHUNKED}), or the same body made here and piped for {@link Transport#H2C_STREAMED}.
	 */
	private Response multipart(Transport transport, String path, String name, Path body, String filename)
			throws Exception {
		if (transport == Transport.H2C_STREAMED) {
			String boundary = "------------------------wsgiflux" + System.nanoTime();
			Path form = files.resolve("form-" + System.nanoTime() + ".bin");
			try (OutputStream out = Files.newOutputStream(form)) {
				out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
						+ filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
				Files.copy(body, out);
				out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
			}
			try {
				return curlFromPipe(path, form, true, "multipart/form-data; boundary=" + boundary);
			}
			finally {
				Files.delete(form);
			}
		}
		List<String> args = new ArrayList<>(List.of("-F", name + "=@" + body + ";filename=" + filename));
		if (transport == Transport.HTTP11_CHUNKED) {
			args.addAll(List.of("-H", "Transfer-Encoding: chunked"));
		}
		return curl(transport, path, args.toArray(String[]::new));
	}

	private Response curl(Transport transport, String path, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code} %{http_version}"));
		if (transport.h2()) {
			command.add("--http2-prior-knowledge");
		}
		command.addAll(List.of(args));
		command.add(url(path));
		return response(run(command), transport.h2());
	}

	private Response curlFromPipe(String path, Path body, boolean h2c, String contentType) throws Exception {
		String command = "cat " + body + " | curl -sS -w '\n%{http_code} %{http_version}' "
				+ (h2c ? "--http2-prior-knowledge " : "") + "-X POST -H 'Content-Type: " + contentType + "' -T - '"
				+ url(path) + "'";
		return response(run(List.of("bash", "-c", command)), h2c);
	}

	private static Response response(Result result, boolean h2c) {
		assertThat(result.exit).as(result.stderr).isZero();
		int end = result.stdout.lastIndexOf('\n');
		String body = result.stdout.substring(0, end);
		String[] status = result.stdout.substring(end + 1).split(" ");
		assertThat(status[0]).as(body).isEqualTo("200");
		assertThat(status[1]).isEqualTo(h2c ? "2" : "1.1");
		return new Response(body);
	}

	/**
	 * Send the headers of a {@code Content-Length} upload and part of its body, then close (or reset) the connection.
	 */
	private void halfBodyThenGone(String path, int declared, int sent, boolean reset) throws Exception {
		byte[] part = Files.readAllBytes(body(declared));
		String boundary = "----half" + System.nanoTime();
		String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + declared + "\r\n"
				+ "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n\r\n--" + boundary
				+ "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"half.bin\"\r\n\r\n";
		long ended = this.requests.ended.get();
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.ISO_8859_1));
			out.write(part, 0, sent);
			out.flush();
			// Let the application start reading before the client goes.
			Thread.sleep(300);
			if (reset) {
				socket.setSoLinger(true, 0);
			}
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.requests.ended.get()).as("%s reset=%s", path, reset)
				.isGreaterThan(ended));
		assertServing();
	}

	private void assertServing() throws Exception {
		assertThat(curl(Transport.HTTP11, "/flask/ping").body).isEqualTo("pong\n");
		assertThat(curl(Transport.H2C, "/flask/ping").body).isEqualTo("pong\n");
		Path body = body(777_777);
		assertThat(curl(Transport.HTTP11, "/flask/data", "--data-binary", "@" + body).body)
			.isEqualTo(digest(body) + "\n");
	}

	private void assertEveryRequestEnded() {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.requests.ended.get()).isEqualTo(this.requests.started.get()));
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private static String fileLine(String name, String filename, Path body) throws Exception {
		return "file " + name + " " + filename + " " + digest(body) + "\n";
	}

	/** Random (seeded, not zeros) content of the given size, one file per size. */
	private static Path body(long size) {
		return BODIES.computeIfAbsent(size, (n) -> {
			try {
				Path file = files.resolve("body-" + n + ".bin");
				Random random = new Random(n);
				byte[] chunk = new byte[64 * 1024];
				try (OutputStream out = Files.newOutputStream(file)) {
					for (long left = n; left > 0; left -= chunk.length) {
						random.nextBytes(chunk);
						out.write(chunk, 0, (int) Math.min(left, chunk.length));
					}
				}
				return file;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static String digest(Path file) throws Exception {
		return digest(Files.readAllBytes(file));
	}

	private static String digest(byte[] data) throws NoSuchAlgorithmException {
		return data.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

	private static Process start(List<String> command) throws IOException {
		return new ProcessBuilder(command).start();
	}

	private static String output(Process process) throws Exception {
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(err).isZero();
		return out;
	}

	private static Result run(List<String> command) throws Exception {
		Process process = start(command);
		process.getOutputStream().close();
		byte[][] err = new byte[1][];
		Thread errors = Thread.ofVirtual().start(() -> {
			try (InputStream in = process.getErrorStream()) {
				err[0] = in.readAllBytes();
			}
			catch (IOException ex) {
				err[0] = ex.toString().getBytes(StandardCharsets.UTF_8);
			}
		});
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("timed out: " + command);
		}
		errors.join();
		return new Result(process.exitValue(), out, new String(err[0], StandardCharsets.UTF_8));
	}

	private record Result(int exit, String stdout, String stderr) {
	}

	private record Response(String body) {
	}

	/** Counts the requests the gateway took on and the ones that ended. */
	static final class RequestCounter implements WsgiRequestObserver {

		final AtomicLong started = new AtomicLong();

		final AtomicLong ended = new AtomicLong();

		final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

		@Override
		public void requestStarted(String mount, String method, String path) {
			this.started.incrementAndGet();
		}

		@Override
		public void requestEnded(WsgiRequestRecord request) {
			this.outcomes.computeIfAbsent(request.outcome() + " " + request.status(), (k) -> new AtomicInteger())
				.incrementAndGet();
			this.ended.incrementAndGet();
		}

	}

	/** Flask (three contexts) at {@code /flask} and a Django project (two) at {@code /django}, reading uploads. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UploadApplication {

		@Bean
		RouterFunction<ServerResponse> nativePing() {
			return RouterFunctions.route()
				.GET("/native/ping", (request) -> ServerResponse.ok().bodyValue("pong\n"))
				.build();
		}

		@Bean
		RequestCounter requestCounter() {
			return new RequestCounter();
		}

		@Bean(destroyMethod = "close")
		PythonWsgiApplication flaskUploads(Engine engine) {
			return PythonTestApplication.application("flask_uploads:app", 3, engine);
		}

		@Bean
		WsgiMount flask(PythonWsgiApplication flaskUploads) {
			return new WsgiMount("/flask", "flask", flaskUploads);
		}

		@Bean(destroyMethod = "close")
		PythonWsgiApplication djangoUploads(Engine engine) {
			return PythonTestApplication.application("djupload.wsgi", 2, engine);
		}

		@Bean
		WsgiMount django(PythonWsgiApplication djangoUploads) {
			return new WsgiMount("/django", "django", djangoUploads);
		}

	}

}
