package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * run-tests.sh makes python/.venv in the background while Maven builds and runs the unit tests
 * (it exports RTM_VENV_SETUP_PENDING=1), so a test that needs the venv waits for the set-up's
 * outcome marker first: python/.venv-setup.done or python/.venv-setup.failed (its log is
 * python/.venv-setup.log). Without that variable the venv is whatever is there.
 */
final class BackgroundVenvSetUp {
  private static final Duration LIMIT = Duration.ofMinutes(15);

  private BackgroundVenvSetUp() {}

  static void awaitIfPending(Path repositoryRoot) {
    if (!"1".equals(System.getenv("RTM_VENV_SETUP_PENDING"))) {
      return;
    }
    Path done = repositoryRoot.resolve("python/.venv-setup.done");
    Path failed = repositoryRoot.resolve("python/.venv-setup.failed");
    Awaitility.await("python/.venv set up in the background by run-tests.sh (log: python/.venv-setup.log)")
        .atMost(LIMIT).pollInterval(Duration.ofSeconds(1))
        .until(() -> Files.exists(done) || Files.exists(failed));
    assertThat(failed).as("python/.venv set-up failed: see python/.venv-setup.log").doesNotExist();
  }
}
