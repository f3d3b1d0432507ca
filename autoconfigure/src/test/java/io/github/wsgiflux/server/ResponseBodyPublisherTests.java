package io.github.wsgiflux.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The streaming body's subscription against the Reactive Streams rules it must keep, with a real producer thread
 * that blocks as the application's worker does.
 */
class ResponseBodyPublisherTests {

	private final Recorder subscriber = new Recorder();

	@Test
	void theProducerSendsNoMoreThanTheDemandAndResumesWhenMoreIsRequested() {
		CompletableFuture<ResponseBodyPublisher> publisher = new CompletableFuture<>();
		CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
			ResponseBodyPublisher body = new ResponseBodyPublisher(DefaultDataBufferFactory.sharedInstance, 4,
					Thread.currentThread());
			publisher.complete(body);
			write(body, "abcdefghij");
			complete(body);
		});
		publisher.join().subscribe(this.subscriber);
		this.subscriber.subscription.get().request(2);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.subscriber.items.size() == 2);
		assertThat(producer).isNotDone();
		assertThat(this.subscriber.items).containsExactly("abcd", "efgh");
		this.subscriber.subscription.get().request(Long.MAX_VALUE);
		producer.join();
		assertThat(this.subscriber.items).containsExactly("abcd", "efgh", "ij", "complete");
	}

	@Test
	void requestOfZeroSignalsIllegalArgumentExceptionAndFailsTheProducersNextWrite() {
		// Reactive Streams rule 3.9: request(n <= 0) MUST signal onError with an IllegalArgumentException.
		CompletableFuture<ResponseBodyPublisher> publisher = new CompletableFuture<>();
		CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
			ResponseBodyPublisher body = new ResponseBodyPublisher(DefaultDataBufferFactory.sharedInstance, 4,
					Thread.currentThread());
			publisher.complete(body);
			try {
				body.write(new byte[] { 1 }, 0, 1);
				return null;
			}
			catch (IOException ex) {
				return ex;
			}
		});
		publisher.join().subscribe(this.subscriber);
		this.subscriber.subscription.get().request(0);
		assertThat(this.subscriber.items).singleElement().asString().startsWith("error:IllegalArgumentException");
		assertThat(failure.join()).isInstanceOf(ResponseBodyPublisher.ClientAbortException.class);
	}

	@Test
	void anAbortBeforeTheSubscriptionIsSignalledOnSubscribeAndNothingFollowsIt() throws Exception {
		ResponseBodyPublisher body = new ResponseBodyPublisher(DefaultDataBufferFactory.sharedInstance, 4,
				Thread.currentThread());
		body.abort(new ResponseBodyPublisher.ResponseAbortException("timed out"));
		body.subscribe(this.subscriber);
		this.subscriber.subscription.get().request(1);
		assertThat(this.subscriber.items).containsExactly("error:ResponseAbortException");
		assertThat(catchIo(() -> body.write(new byte[] { 1 }, 0, 1)))
			.isInstanceOf(ResponseBodyPublisher.ClientAbortException.class);
		assertThat(catchIo(body::complete)).isInstanceOf(ResponseBodyPublisher.ClientAbortException.class);
		assertThat(this.subscriber.items).containsExactly("error:ResponseAbortException");
	}

	@Test
	void aCancelReleasesAProducerWaitingForDemand() {
		CompletableFuture<ResponseBodyPublisher> publisher = new CompletableFuture<>();
		CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
			ResponseBodyPublisher body = new ResponseBodyPublisher(DefaultDataBufferFactory.sharedInstance, 4,
					Thread.currentThread());
			publisher.complete(body);
			return catchIo(() -> body.write(new byte[] { 1 }, 0, 1));
		});
		publisher.join().subscribe(this.subscriber);
		this.subscriber.subscription.get().cancel();
		assertThat(failure.join()).isInstanceOf(ResponseBodyPublisher.ClientAbortException.class);
		assertThat(this.subscriber.items).isEmpty();
	}

	@Test
	void aBodyNeverSubscribedIsAbandonedAndReleasesItsProducer() {
		CompletableFuture<ResponseBodyPublisher> publisher = new CompletableFuture<>();
		CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
			ResponseBodyPublisher body = new ResponseBodyPublisher(DefaultDataBufferFactory.sharedInstance, 4,
					Thread.currentThread());
			publisher.complete(body);
			return catchIo(() -> body.write(new byte[] { 1 }, 0, 1));
		});
		publisher.join().abandon();
		assertThat(failure.join()).isInstanceOf(ResponseBodyPublisher.ClientAbortException.class);
	}

	private static void write(ResponseBodyPublisher body, String text) {
		try {
			byte[] bytes = text.getBytes();
			body.write(bytes, 0, bytes.length);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void complete(ResponseBodyPublisher body) {
		try {
			body.complete();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Throwable catchIo(IoAction action) {
		try {
			action.run();
			return null;
		}
		catch (IOException ex) {
			return ex;
		}
	}

	interface IoAction {

		void run() throws IOException;

	}

	static final class Recorder implements Subscriber<DataBuffer> {

		final AtomicReference<Subscription> subscription = new AtomicReference<>();

		final List<String> items = new CopyOnWriteArrayList<>();

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription.set(subscription);
		}

		@Override
		public void onNext(DataBuffer buffer) {
			this.items.add(buffer.toString(java.nio.charset.StandardCharsets.US_ASCII));
			DataBufferUtils.release(buffer);
		}

		@Override
		public void onError(Throwable throwable) {
			this.items.add("error:" + throwable.getClass().getSimpleName());
		}

		@Override
		public void onComplete() {
			this.items.add("complete");
		}

	}

}
