package io.github.wsgiflux.python;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmodified Flask and Bottle applications from Debian's packages, served over HTTP through GraalPy, each at its
 * mount path, behind a native route that wins. Django: {@link DjangoProjectTests}; Flask's features:
 * {@link FlaskFeaturesTests}.
 */
class PythonFrameworksTests extends PythonServerTestSupport {

	@Test
	void flaskAnswersItsRoutes() {
		HttpResponse<String> response = this.http.get("/flask/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Hello from Flask");
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
	}

	@Test
	void flaskSeesTheMountAsScriptNameAndTheQuery() {
		HttpResponse<String> response = this.http.get("/flask/json?q=caf%C3%A9&n=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"framework\":\"flask\"")
			.contains("\"script_name\":\"/flask\"")
			.contains("\"path\":\"/json\"")
			.contains("\"q\":\"caf\\u00e9\"");
	}

	@Test
	void flaskParsesAFormPost() {
		HttpResponse<String> response = this.http.post("/flask/form", "application/x-www-form-urlencoded",
				"name=Ada+L%C3%B6w&item=a&item=b");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("name=Ada Löw;items=a,b");
	}

	@Test
	void flaskReadsAndWritesJson() {
		HttpResponse<String> response = this.http.post("/flask/json", "application/json", "{\"n\": [1, 2, 3]}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).contains("\"received\":{\"n\":[1,2,3]}").contains("\"size\":16");
	}

	@Test
	void flaskStreamsAGeneratorResponse() {
		HttpResponse<String> response = this.http.get("/flask/stream?count=1000");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		assertThat(response.body().lines()).hasSize(1000).startsWith("line 0").endsWith("line 999");
	}

	@Test
	void flaskReadsAStreamedUpload() {
		String body = "x".repeat(3 * 1024 * 1024);
		HttpResponse<String> response = this.http.post("/flask/upload", "application/octet-stream", body);
		assertThat(response.body()).isEqualTo("received " + body.length() + " bytes");
	}

	@Test
	void flaskAnswersItsOwn404FromItsErrorHandler() {
		HttpResponse<String> response = this.http.get("/flask/missing");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).contains("\"error\":\"no such page\"").contains("\"path\":\"/missing\"");
	}

	@Test
	void flaskErrorIsTheApplicationsOwn500AndTheServerKeepsServing() {
		HttpResponse<String> response = this.http.get("/flask/fail");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).isEqualTo("the team's own 500 page");
		assertThat(this.http.get("/flask/").statusCode()).isEqualTo(200);
	}

	@Test
	void nativeRouteWinsOverTheFlaskRouteAtTheSamePath() {
		HttpResponse<String> response = this.http.get("/flask/native");
		assertThat(response.body()).isEqualTo("native route wins");
	}

	@Test
	void bottleAnswersItsRoutes() {
		assertThat(this.http.get("/bottle/").body()).isEqualTo("Hello from Bottle");
		assertThat(this.http.get("/bottle/hello/world").body()).isEqualTo("Hello world");
		HttpResponse<String> echo = this.http.post("/bottle/echo", "text/plain", "echo me");
		assertThat(echo.body()).isEqualTo("echo me");
	}

}
