package io.github.wsgiflux.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when the context holds something to serve: a {@link WsgiApplication} or a {@link WsgiMount} bean.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnWsgiApplication.OnWsgiApplicationCondition.class)
public @interface ConditionalOnWsgiApplication {

	/**
	 * Any of the two bean types.
	 */
	class OnWsgiApplicationCondition extends AnyNestedCondition {

		OnWsgiApplicationCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(WsgiApplication.class)
		static class HasApplication {

		}

		@ConditionalOnBean(WsgiMount.class)
		static class HasMount {

		}

	}

}
