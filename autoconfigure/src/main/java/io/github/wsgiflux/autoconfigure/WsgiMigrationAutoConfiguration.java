package io.github.wsgiflux.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.github.wsgiflux.migration.BodyNormalizer;
import io.github.wsgiflux.migration.CompareRule;
import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.migration.ShadowCompareFilter;
import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.WsgiHandlerMapping;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;

/**
 * Shadow comparison of the routes listed in {@code wsgi.migration.compare}: the {@link ShadowCompareFilter} and the
 * {@link MigrationComparisons} it reports to. Without entries nothing is installed, so requests take the same path as
 * without this auto-configuration.
 */
@AutoConfiguration(after = WsgiAutoConfiguration.class)
@ConditionalOnBean(WsgiHandlerMapping.class)
@Conditional(WsgiMigrationAutoConfiguration.OnComparedRoutesCondition.class)
public final class WsgiMigrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MigrationComparisons migrationComparisons(WsgiProperties properties, BeanFactory beanFactory) {
		WsgiProperties.Migration migration = properties.getMigration();
		List<CompareRule> rules = migration.getCompare().stream().map((compare) -> rule(compare, beanFactory)).toList();
		return new MigrationComparisons(rules, migration.getMismatchesKept(), migration.getWarnInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	ShadowCompareFilter shadowCompareFilter(MigrationComparisons comparisons, ApplicationContext context,
			WsgiProperties properties, ObjectProvider<LegacyPaths> legacyPaths) {
		return new ShadowCompareFilter(comparisons, context, properties.getMigration().getShadowTimeout(),
				legacyPaths.getIfAvailable());
	}

	private static CompareRule rule(WsgiProperties.Compare compare, BeanFactory beanFactory) {
		String path = compare.getPath();
		if (!StringUtils.hasText(path)) {
			throw new IllegalStateException("Every wsgi.migration.compare entry needs a path");
		}
		String normalizer = compare.getNormalizer();
		return new CompareRule(path,
				compare.getMethods()
					.stream()
					.map((method) -> HttpMethod.valueOf(method.trim().toUpperCase(Locale.ROOT)))
					.collect(Collectors.toSet()),
				compare.getSampleRate(), compare.getServe(), compare.getHeaders(), compare.getIgnore(),
				(int) Math.min(Integer.MAX_VALUE, compare.getMaxBodySize().toBytes()),
				(normalizer != null) ? beanFactory.getBean(normalizer, BodyNormalizer.class) : null);
	}

	/** Matches when {@code wsgi.migration.compare} lists at least one entry. */
	static final class OnComparedRoutesCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			List<WsgiProperties.Compare> entries = Binder.get(context.getEnvironment())
				.bind("wsgi.migration.compare", Bindable.listOf(WsgiProperties.Compare.class))
				.orElse(List.of());
			return entries.isEmpty() ? ConditionOutcome.noMatch("no wsgi.migration.compare entries")
					: ConditionOutcome.match(entries.size() + " wsgi.migration.compare entries");
		}

	}

}
