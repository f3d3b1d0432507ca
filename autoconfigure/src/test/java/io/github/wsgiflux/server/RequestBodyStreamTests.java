package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.netty.channel.AbortedException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The request body stream against a hand-driven connection: what it requests, when a waiting reader returns, and
 * that every buffer is freed exactly once whichever thread ends the request. Buffers are Netty's, counted, so a
 * leak or a double release shows.
 */
class RequestBodyStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

	private final Connection connection = new Connection();

	private final RequestBodyStream stream = new RequestBodyStream(() -> this.connection);

	private final List<ByteBuf> sent = new ArrayList<>();

	private volatile Thread reader;

	@Test
	void aReadReturnsOnceItsLengthIsThereAsASocketFileRead() throws Exception {
		CompletableFuture<String> read = readAsync(25);
		this.connection.awaitSubscribed();
		send("0123456789");
		send("abcdefghij");
		assertWaiting(read);
		send("ABCDEFGHIJ");
		assertThat(read.get()).isEqualTo("0123456789abcdefghijABCDE");
		CompletableFuture<String> rest = readAsync(100);
		this.connection.subscriber.onComplete();
		assertThat(rest.get()).isEqualTo("FGHIJ");
		assertThat(this.stream.read(new byte[8], 0, 8)).isEqualTo(-1);
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void nothingIsRequestedBeforeTheFirstReadAndNeverMoreThanThePrefetchAhead() throws Exception {
		assertThat(this.connection.subscriber).isNull();
		CompletableFuture<String> first = readAsync(1);
		this.connection.awaitSubscribed();
		assertThat(this.connection.requested.get()).isEqualTo(RequestBodyStream.PREFETCH);
		for (int i = 0; i < RequestBodyStream.PREFETCH; i++) {
			send("x");
		}
		assertThat(first.get()).isEqualTo("x");
		// One buffer taken: nothing more is asked until three quarters of the prefetch are.
		assertThat(this.connection.requested.get()).isEqualTo(RequestBodyStream.PREFETCH);
		byte[] b = new byte[RequestBodyStream.REPLENISH - 1];
		assertThat(this.stream.read(b, 0, b.length)).isEqualTo(b.length);
		assertThat(this.connection.requested.get())
			.isEqualTo((long) RequestBodyStream.PREFETCH + RequestBodyStream.REPLENISH);
		this.stream.finish();
		assertThat(this.connection.cancelled).isTrue();
		assertAllFreed();
	}

	@Test
	void aReadLargerThanThePrefetchWindowIsNotStuckWaitingForBytesThatAreNotRequested() throws Exception {
		// The reader wants more than the window holds: it must wake when every requested buffer is queued, take them
		// and ask for more, or reader and connection wait for each other forever.
		int size = (RequestBodyStream.PREFETCH * 3) + 7;
		CompletableFuture<String> read = readAsync(size);
		this.connection.awaitSubscribed();
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < size; i++) {
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (this.connection.requested.get() <= this.sent.size()) {
				assertThat(System.nanoTime()).as("demand for buffer %d", i).isLessThan(deadline);
				Thread.onSpinWait();
			}
			String one = String.valueOf((char) ('a' + (i % 26)));
			expected.append(one);
			send(one);
		}
		assertThat(read.get()).isEqualTo(expected.toString());
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void aReleaseFromAnotherThreadEndsAWaitingReadCancelsTheConnectionAndFreesTheQueuedBuffers() throws Exception {
		CompletableFuture<String> first = readAsync(3);
		this.connection.awaitSubscribed();
		send("abcdef");
		assertThat(first.get()).isEqualTo("abc");
		CompletableFuture<String> read = readAsync(100);
		awaitReaderWaiting();
		send("queued, not enough for the read");
		assertWaiting(read);
		this.stream.release();
		// What the read had copied is the caller's; the body ends there.
		assertThat(read.get()).isEqualTo("def");
		assertThat(this.connection.cancelled).isTrue();
		// A buffer the connection had in flight arrives after the release: freed on arrival.
		send("late");
		assertThat(this.stream.read(new byte[4], 0, 4)).isEqualTo(-1);
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void aReleaseBeforeTheConnectionsSubscriptionArrivedCancelsItOnArrival() throws Exception {
		this.connection.deferSubscription = true;
		CompletableFuture<String> read = readAsync(10);
		await().atMost(WAIT).until(() -> this.connection.subscriber != null);
		this.stream.release();
		assertThat(read.get()).isEmpty();
		this.connection.deliverSubscription();
		assertThat(this.connection.cancelled).isTrue();
		send("after the cancel");
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void anInterruptedReaderGetsInterruptedIOExceptionAndKeepsItsInterrupt() throws Exception {
		AtomicReference<Thread> reader = new AtomicReference<>();
		CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
		CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
			reader.set(Thread.currentThread());
			try {
				this.stream.read(new byte[10], 0, 10);
				return null;
			}
			catch (IOException ex) {
				interruptKept.complete(Thread.interrupted());
				return ex;
			}
		}, RequestBodyStreamTests::startThread);
		this.connection.awaitSubscribed();
		await().atMost(WAIT).until(() -> reader.get() != null && reader.get().getState() == Thread.State.WAITING);
		reader.get().interrupt();
		assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
		assertThat(interruptKept.get()).isTrue();
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void theConnectionsFailureComesAfterTheBytesReadBeforeIt() throws Exception {
		CompletableFuture<String> read = readAsync(100);
		this.connection.awaitSubscribed();
		send("partial");
		RequestBodyTooLargeException tooLarge = new RequestBodyTooLargeException(7);
		this.connection.subscriber.onError(tooLarge);
		assertThat(read.get()).isEqualTo("partial");
		assertThatExceptionOfType(RequestBodyTooLargeException.class)
			.isThrownBy(() -> this.stream.read(new byte[1], 0, 1))
			.isSameAs(tooLarge);
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void aConnectionResetReachesTheReaderAsADisconnectCausedByTheReset() throws Exception {
		// Spring's DisconnectedClientHelper knows the phrase; an I/O error that is no disconnect reaches the reader as
		// is (aFailureThatIsNoDisconnectDoesNotMarkTheClientGone).
		CompletableFuture<String> read = readAsync(1);
		this.connection.awaitSubscribed();
		IOException reset = new IOException("Connection reset by peer");
		this.connection.subscriber.onError(reset);
		assertThat(read).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
			.havingRootCause()
			.isSameAs(reset);
		assertThat(this.stream.isClientGone()).isTrue();
		this.stream.finish();
	}

	@Test
	void aConnectionTheClientClosedMidBodyReachesTheReaderAsAnIOExceptionAndMarksTheClientGone() throws Exception {
		// What Reactor Netty signals when the client goes away mid-upload; the reader may see it before the
		// exchange is cancelled.
		CompletableFuture<String> read = readAsync(100);
		this.connection.awaitSubscribed();
		send("partial");
		AbortedException aborted = new AbortedException("Connection has been closed");
		this.connection.subscriber.onError(aborted);
		assertThat(read.get()).isEqualTo("partial");
		assertThatExceptionOfType(RequestBodyStream.ClientDisconnectedException.class)
			.isThrownBy(() -> this.stream.read(new byte[1], 0, 1))
			.withCause(aborted);
		assertThat(this.stream.isClientGone()).isTrue();
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void aFailureThatIsNoDisconnectDoesNotMarkTheClientGone() throws Exception {
		CompletableFuture<String> read = readAsync(1);
		this.connection.awaitSubscribed();
		IOException malformed = new IOException("Invalid chunk size");
		this.connection.subscriber.onError(malformed);
		assertThat(read).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
			.havingRootCause()
			.isSameAs(malformed);
		assertThat(this.stream.isClientGone()).isFalse();
		this.stream.finish();
	}

	@Test
	void finishFreesTheBufferTheWorkerWasReading() throws Exception {
		CompletableFuture<String> read = readAsync(3);
		this.connection.awaitSubscribed();
		send("abcdef");
		assertThat(read.get()).isEqualTo("abc");
		assertThat(this.sent.get(0).refCnt()).isEqualTo(1);
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void aBufferTheReaderIsDoneWithIsFreedByTheConnectionsNextSignalOnItsThread() throws Exception {
		// Freeing an unpooled direct buffer costs a JVM-wide handshake on JDK 25: the event loop pays it, as for a
		// native handler, and the worker goes on copying.
		CompletableFuture<String> read = readAsync(3);
		this.connection.awaitSubscribed();
		send("abc");
		assertThat(read.get()).isEqualTo("abc");
		CompletableFuture<String> next = readAsync(3);
		awaitReaderWaiting();
		assertThat(this.sent.get(0).refCnt()).as("left by the reader").isEqualTo(1);
		send("def");
		assertThat(this.sent.get(0).refCnt()).as("freed by the signal, on the connection's thread").isZero();
		assertThat(next.get()).isEqualTo("def");
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void buffersLeftRetiredWhenTheApplicationStopsReadingAreFreedByFinish() throws Exception {
		CompletableFuture<String> read = readAsync(3);
		this.connection.awaitSubscribed();
		send("abc");
		send("def");
		assertThat(read.get()).isEqualTo("abc");
		assertThat(readAsync(3).get()).isEqualTo("def");
		assertThat(this.sent.get(0).refCnt()).as("retired, no signal since").isEqualTo(1);
		this.stream.finish();
		assertAllFreed();
	}

	@Test
	void everyBufferIsFreedExactlyOnceWhenReleaseRacesTheConnectionAndTheReader() throws Exception {
		// The three threads of a request's end: the connection delivering, the worker reading, a timeout releasing
		// at a random moment. Any double release throws IllegalReferenceCountException; any leak keeps a count.
		for (int round = 0; round < 300; round++) {
			Connection connection = new Connection();
			RequestBodyStream stream = new RequestBodyStream(() -> connection);
			List<ByteBuf> buffers = new CopyOnWriteArrayList<>();
			AtomicBoolean stop = new AtomicBoolean();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread reader = startThread(() -> {
				byte[] b = new byte[ThreadLocalRandom.current().nextInt(1, 64)];
				try {
					while (stream.read(b, 0, b.length) >= 0) {
						// Keep reading.
					}
				}
				catch (IOException ex) {
					// Released while waiting: fine.
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
				finally {
					stream.finish();
				}
			});
			Thread producer = startThread(() -> {
				try {
					while (connection.requested.get() == 0) {
						if (stop.get()) {
							// Released before the first read subscribed, or the subscription was cancelled.
							return;
						}
						Thread.onSpinWait();
					}
					long sentCount = 0;
					while (!stop.get() && sentCount < 500) {
						if (connection.requested.get() > sentCount) {
							ByteBuf buf = Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII);
							buffers.add(buf);
							connection.subscriber.onNext(this.factory.wrap(buf));
							sentCount++;
						}
						else {
							Thread.onSpinWait();
						}
					}
					connection.subscriber.onComplete();
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
			Thread.sleep(0, ThreadLocalRandom.current().nextInt(200_000));
			stream.release();
			stop.set(true);
			reader.join(WAIT.toMillis());
			producer.join(WAIT.toMillis());
			assertThat(reader.isAlive()).as("reader ended").isFalse();
			assertThat(producer.isAlive()).as("producer ended").isFalse();
			assertThat(failure.get()).isNull();
			assertThat(buffers).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
		}
	}

	private void awaitReaderWaiting() {
		await().atMost(WAIT).until(() -> this.reader != null && this.reader.getState() == Thread.State.WAITING);
	}

	private CompletableFuture<String> readAsync(int length) {
		this.reader = null;
		return CompletableFuture.supplyAsync(() -> {
			this.reader = Thread.currentThread();
			byte[] b = new byte[length];
			try {
				int n = this.stream.read(b, 0, length);
				return (n < 0) ? "" : new String(b, 0, n, StandardCharsets.US_ASCII);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, RequestBodyStreamTests::startThread);
	}

	private void send(String text) {
		ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
		this.sent.add(buf);
		this.connection.subscriber.onNext(this.factory.wrap(buf));
	}

	private void assertWaiting(CompletableFuture<String> read) throws InterruptedException {
		Thread.sleep(100);
		assertThat(read).isNotDone();
	}

	private void assertAllFreed() {
		assertThat(this.sent).allSatisfy((buf) -> assertThat(buf.refCnt()).isZero());
	}

	private static Thread startThread(Runnable task) {
		Thread thread = new Thread(task, "body-stream-test");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/** The connection's side, driven by the test: records demand and cancel, subscription now or later. */
	private static final class Connection implements Publisher<DataBuffer>, Subscription {

		final AtomicLong requested = new AtomicLong();

		volatile boolean cancelled;

		volatile boolean deferSubscription;

		volatile Subscriber<? super DataBuffer> subscriber;

		@Override
		public void subscribe(Subscriber<? super DataBuffer> subscriber) {
			this.subscriber = subscriber;
			if (!this.deferSubscription) {
				subscriber.onSubscribe(this);
			}
		}

		void deliverSubscription() {
			this.subscriber.onSubscribe(this);
		}

		void awaitSubscribed() {
			await().atMost(WAIT).until(() -> this.requested.get() > 0);
		}

		@Override
		public void request(long n) {
			this.requested.addAndGet(n);
		}

		@Override
		public void cancel() {
			this.cancelled = true;
		}

	}

}
