package io.rtm.shuffle;

/**
 * The shuffle transport cannot continue: a peer died or was unreachable, or the peers disagree on
 * the protocol. Thrown on the task thread; messages name the peer and what to check.
 */
public class ShuffleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ShuffleException(String message) {
    super(message);
  }

  public ShuffleException(String message, Throwable cause) {
    super(message, cause);
  }
}
