package io.rtm.operators;

/** The upstream stage closed its output: the query is stopping or another stage failed. */
public final class UpstreamEndedException extends RuntimeException {
  public UpstreamEndedException(String message) {
    super(message);
  }
}
