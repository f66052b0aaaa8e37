package io.rtm.bench.child;

/** A workload the plain-Java relay does not implement (it has no state or windows). */
final class UnsupportedWorkloadException extends RuntimeException {
  UnsupportedWorkloadException(String message) {
    super(message);
  }
}
