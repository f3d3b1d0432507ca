package io.github.wsgiflux.sample;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A page already migrated to a native controller: it shadows the legacy {@code /about}.
 */
@RestController
class AboutController {

	@GetMapping("/about")
	String about() {
		return "native /about (@RestController)";
	}

}
