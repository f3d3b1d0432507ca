package io.github.wsgiflux.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A Reactor Netty pipeline hook that keeps HTTP/1.0 connections alive when the client asked for it
 * ({@code Connection: keep-alive}, as ApacheBench {@code -k} and some proxies send) and the response has a length
 * the client can tell: it adds {@code Connection: keep-alive} to the response, which an HTTP/1.0 connection needs
 * to persist (RFC 9112 Appendix C.2.2). Reactor Netty answers an HTTP/1.0 request with an HTTP/1.0 response and
 * without that header, so it closes the connection after each response. Applies to native handlers too.
 */
@ChannelHandler.Sharable
public final class Http10KeepAliveHandler extends ChannelOutboundHandlerAdapter {

	private static final String NAME = "wsgifluxHttp10KeepAlive";

	private static final Http10KeepAliveHandler INSTANCE = new Http10KeepAliveHandler();

	private Http10KeepAliveHandler() {
	}

	/**
	 * Install the hook on a connection's pipeline, in front of Reactor Netty's HTTP/1.x traffic handler (which
	 * decides from the response whether the connection persists); a pipeline without one is left alone.
	 * @param channel the channel of a new connection
	 */
	public static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
			pipeline.addAfter(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response && response.protocolVersion() == HttpVersion.HTTP_1_0
				&& !response.headers().contains(HttpHeaderNames.CONNECTION) && hasLength(response)
				&& ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest request && request.isKeepAlive()) {
			response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
		}
		super.write(ctx, msg, promise);
	}

	private static boolean hasLength(HttpResponse response) {
		int code = response.status().code();
		return HttpUtil.isContentLengthSet(response) || code == 204 || code == 304 || (code >= 100 && code < 200);
	}

}
