package io.github.wsgiflux.python;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Django project exactly as {@code django-admin startproject} generated it ({@link DjangoSite}: admin, auth,
 * sessions, sqlite3), mounted at {@code /django} with two contexts, used as a person in a browser would: a real HTTP
 * client keeping cookies, following no redirect by itself. Every answer setting a cookie exercises Django's header
 * with a leading space ({@code SimpleCookie.output(header='')}).
 */
class DjangoProjectTests extends PythonServerTestSupport {

	private static final Pattern CSRF_INPUT = Pattern.compile("name=\"csrfmiddlewaretoken\" value=\"([^\"]+)\"");

	private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

	private HttpClient browser;

	@BeforeEach
	void browser() {
		this.browser = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.cookieHandler(this.cookies)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	@Test
	void anonymousAdminRedirectsToTheLoginPageUnderTheMountPath() {
		HttpResponse<String> response = get("/django/admin/");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).hasValue("/django/admin/login/?next=/django/admin/");
	}

	@Test
	void loginPageSetsTheCsrfCookieAndIsServedAgainAndAgain() {
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> login = get("/django/admin/login/?next=/django/admin/");
			assertThat(login.statusCode()).isEqualTo(200);
			assertThat(login.body()).contains("<form action=\"/django/admin/login/?next=/django/admin/\"");
			assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(
					(cookie) -> assertThat(cookie).startsWith("csrftoken=").contains("Path=/"));
		}
		assertThat(cookie("csrftoken")).isNotNull();
	}

	@Test
	void adminLogsInAddsAGroupSeesItInTheChangelistAndLogsOut() {
		HttpResponse<String> loginPage = get("/django/admin/login/?next=/django/admin/");
		HttpResponse<String> login = post("/django/admin/login/?next=/django/admin/",
				Map.of("csrfmiddlewaretoken", csrfToken(loginPage), "username", DjangoSite.ADMIN_USER, "password",
						DjangoSite.ADMIN_PASSWORD, "next", "/django/admin/"));
		assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location")).hasValue("/django/admin/");
		assertThat(cookie("sessionid")).isNotNull();

		HttpResponse<String> index = get("/django/admin/");
		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(index.body()).contains("Site administration").contains("href=\"/django/admin/auth/group/\"");

		String group = "editors-" + System.nanoTime();
		HttpResponse<String> addForm = get("/django/admin/auth/group/add/");
		assertThat(addForm.statusCode()).isEqualTo(200);
		HttpResponse<String> added = post("/django/admin/auth/group/add/",
				Map.of("csrfmiddlewaretoken", csrfToken(addForm), "name", group, "_save", "Save"));
		assertThat(added.statusCode()).as(added.body()).isEqualTo(302);
		assertThat(added.headers().firstValue("Location")).hasValue("/django/admin/auth/group/");

		HttpResponse<String> changelist = get("/django/admin/auth/group/");
		assertThat(changelist.statusCode()).isEqualTo(200);
		assertThat(changelist.body()).contains(">" + group + "</a>").contains("was added successfully");

		HttpResponse<String> logout = get("/django/admin/logout/");
		assertThat(logout.statusCode()).isEqualTo(200);
		assertThat(logout.body()).contains("Logged out");
		assertThat(get("/django/admin/").headers().firstValue("Location"))
			.hasValue("/django/admin/login/?next=/django/admin/");
	}

	@Test
	void postWithoutTheCsrfTokenIsRefusedByDjango() {
		get("/django/admin/login/");
		HttpResponse<String> response = post("/django/admin/login/",
				Map.of("username", DjangoSite.ADMIN_USER, "password", DjangoSite.ADMIN_PASSWORD));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).contains("CSRF");
	}

	private HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(this.http.uri(path)).GET().build());
	}

	private HttpResponse<String> post(String path, Map<String, String> form) {
		String body = form.entrySet()
			.stream()
			.map((field) -> encode(field.getKey()) + "=" + encode(field.getValue()))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(this.http.uri(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.browser.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(request.uri().toString(), ex);
		}
	}

	private HttpCookie cookie(String name) {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals(name))
			.findFirst()
			.orElse(null);
	}

	private static String csrfToken(HttpResponse<String> page) {
		Matcher matcher = CSRF_INPUT.matcher(page.body());
		assertThat(matcher.find()).as("csrfmiddlewaretoken in %s", page.uri()).isTrue();
		return matcher.group(1);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
