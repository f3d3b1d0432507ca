package io.github.wsgiflux.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;
import tools.jackson.databind.ObjectMapper;

/**
 * Answers every request with its environ as JSON (the string values, plus {@code app}: its name, and {@code BODY}:
 * the request body read whole, as ISO-8859-1), for tests that assert exact environ values.
 */
public class EnvironJsonApp implements WsgiApplication {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final String name;

	public EnvironJsonApp(String name) {
		this.name = name;
	}

	@Override
	public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
		Map<String, String> values = new TreeMap<>();
		environ.forEach((key, value) -> {
			if (value instanceof String text) {
				values.put(key, text);
			}
		});
		values.put("app", this.name);
		byte[] body = Environ.of(environ).input().readAllBytes();
		values.put("BODY", new String(body, StandardCharsets.ISO_8859_1));
		startResponse.start("200 OK", List.of(Header.of("Content-Type", "application/json")));
		return List.of(JSON.writeValueAsBytes(values));
	}

	/** Parse what {@link #call} answered. */
	@SuppressWarnings("unchecked")
	public static Map<String, String> parse(String json) {
		return JSON.readValue(json, Map.class);
	}

}
