package io.github.wsgiflux.python.autoconfigure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.wsgiflux.python.PythonWsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Imports every {@link PythonWsgiApplication} that asks for it in all its contexts once the web server is up, and
 * holds the start until each has its first context: Spring Boot publishes {@code ReadinessState.ACCEPTING_TRAFFIC}
 * only after every lifecycle has started, so readiness probes answer {@code REFUSING_TRAFFIC} (and liveness probes
 * answer, liveness being published as {@code CORRECT}) until every application can serve. Meanwhile an application
 * serves as soon as its own first context is ready (before that, requests get 503 at once), and its other contexts
 * keep loading behind it. A failed import of a first context fails the start.
 */
public class PythonWarmUp implements SmartLifecycle {

	/** After the web server (which starts in phase {@code DEFAULT_PHASE - 2048}) so that probes can be answered. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private final ObjectProvider<PythonWsgiApplication> applications;

	private final ObjectProvider<WsgiMount> mounts;

	private final ApplicationEventPublisher publisher;

	private volatile boolean running;

	/**
	 * Warm up the applications a context provides.
	 * @param applications the applications declared as beans
	 * @param mounts the mounts, whose Python applications need not be beans
	 * @param publisher where to publish the availability states
	 */
	public PythonWarmUp(ObjectProvider<PythonWsgiApplication> applications, ObjectProvider<WsgiMount> mounts,
			ApplicationEventPublisher publisher) {
		this.applications = applications;
		this.mounts = mounts;
		this.publisher = publisher;
	}

	@Override
	public void start() {
		Set<PythonWsgiApplication> all = Collections.newSetFromMap(new IdentityHashMap<>());
		this.applications.orderedStream().forEach(all::add);
		this.mounts.orderedStream()
			.map(WsgiMount::getApplication)
			.filter(PythonWsgiApplication.class::isInstance)
			.forEach((application) -> all.add((PythonWsgiApplication) application));
		List<PythonWsgiApplication> toWarm = all.stream().filter(PythonWsgiApplication::isWarmUp).toList();
		if (!toWarm.isEmpty()) {
			// Alive (a liveness probe must not restart a pod that is only importing) but not ready yet.
			AvailabilityChangeEvent.publish(this.publisher, this, LivenessState.CORRECT);
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
		toWarm.forEach(PythonWsgiApplication::warmUpAsync);
		List<CompletableFuture<Void>> firsts = toWarm.stream().map(PythonWsgiApplication::firstContextLoaded).toList();
		try {
			CompletableFuture.allOf(firsts.toArray(CompletableFuture[]::new)).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
