package io.github.wsgiflux.server;

import java.security.Principal;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code REMOTE_USER}: the name of the exchange's authenticated principal when Spring Security is in use. An
 * anonymous or unauthenticated principal gives none; client headers never do (they become {@code HTTP_*} keys).
 */
final class RemoteUsers {

	static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.Authentication", RemoteUsers.class.getClassLoader());

	private static final Mono<Optional<String>> NONE = Mono.just(Optional.empty());

	private RemoteUsers() {
	}

	/**
	 * The remote user of the exchange, resolved from Spring Security's context.
	 */
	static Mono<Optional<String>> of(ServerWebExchange exchange) {
		return exchange.getPrincipal().mapNotNull(RemoteUsers::name).map(Optional::of).switchIfEmpty(NONE);
	}

	private static @Nullable String name(Principal principal) {
		if (principal instanceof Authentication authentication
				&& (!authentication.isAuthenticated() || authentication instanceof AnonymousAuthenticationToken)) {
			return null;
		}
		String name = principal.getName();
		return (name != null && !name.isEmpty()) ? name : null;
	}

}
