package io.github.wsgiflux.spi;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The path rules of a {@link WsgiMount}, in plain Java: what the gateway's routing and {@code SCRIPT_NAME} rely on.
 */
class WsgiMountTests {

	private static final WsgiApplication APP = (environ, start) -> List.of();

	@Test
	void rootIsTheEmptyPathAndMatchesEveryPath() {
		WsgiMount mount = new WsgiMount("/", "root", APP);
		assertThat(mount.getPath()).isEmpty();
		assertThat(mount.getDecodedPath()).isEmpty();
		assertThat(mount.matches("")).isTrue();
		assertThat(mount.matches("/anything/below")).isTrue();
		assertThat(mount).hasToString("/ -> root");
	}

	@Test
	void trailingSlashIsIgnored() {
		WsgiMount mount = new WsgiMount("/shop/admin/", "admin", APP);
		assertThat(mount.getPath()).isEqualTo("/shop/admin");
		assertThat(mount).hasToString("/shop/admin -> admin");
	}

	@Test
	void matchesAtSegmentBoundariesOnly() {
		WsgiMount mount = new WsgiMount("/legacy", "legacy", APP);
		assertThat(mount.matches("/legacy")).isTrue();
		assertThat(mount.matches("/legacy/")).isTrue();
		assertThat(mount.matches("/legacy/x")).isTrue();
		assertThat(mount.matches("/legacyx")).isFalse();
		assertThat(mount.matches("/")).isFalse();
		assertThat(mount.matches("/LEGACY")).isFalse();
	}

	@Test
	void decodedPathIsTheUtf8BytesAsIso88591Chars() {
		WsgiMount mount = new WsgiMount("/caf\u00e9", "cafe", APP);
		assertThat(mount.getPath()).isEqualTo("/caf\u00e9");
		assertThat(mount.getDecodedPath()).isEqualTo("/caf\u00c3\u00a9");
		assertThat(mount.matches("/caf\u00c3\u00a9/menu")).isTrue();
		assertThat(mount.matches("/caf\u00e9/menu")).isFalse();
	}

	@Test
	void pathMustStartWithSlash() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WsgiMount("legacy", "legacy", APP))
			.withMessageContaining("must start with '/'");
		assertThatIllegalArgumentException().isThrownBy(() -> new WsgiMount("", "legacy", APP));
	}

	@Test
	void pathWithQueryFragmentOrEmptySegmentIsRefused() {
		for (String path : List.of("/a?b", "/a#b", "/a//b", "//")) {
			assertThatIllegalArgumentException().as(path)
				.isThrownBy(() -> new WsgiMount(path, "bad", APP))
				.withMessageContaining("Invalid WSGI mount path");
		}
	}

	@Test
	void everyPartIsRequired() {
		assertThatNullPointerException().isThrownBy(() -> new WsgiMount(null, "name", APP)).withMessage("path");
		assertThatNullPointerException().isThrownBy(() -> new WsgiMount("/", null, APP)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> new WsgiMount("/", "name", null)).withMessage("application");
	}

}
