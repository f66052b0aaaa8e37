package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassWarmupTest {
  static final class Initialized {
    static volatile boolean done;

    static {
      done = true;
    }
  }

  static final class InitializedOnce {
    static volatile boolean done;

    static {
      done = true;
    }
  }

  @Test
  void parsesTheCommaListAndIgnoresBlanks() {
    assertThat(ClassWarmup.parse(" a.B , ,c.D")).containsExactly("a.B", "c.D");
    assertThat(ClassWarmup.startInBackground(" ")).isNull();
  }

  @Test
  void runsStaticInitializersAndSkipsMissingClasses() {
    int initialized = ClassWarmup.initialize(
        List.of("no.such.Clazz", Initialized.class.getName()), getClass().getClassLoader());
    assertThat(initialized).isEqualTo(1);
    assertThat(Initialized.done).isTrue();
  }

  @Test
  void startsEachClassOncePerJvm() throws InterruptedException {
    String name = InitializedOnce.class.getName();
    Thread first = ClassWarmup.startOnce(List.of(name));
    assertThat(first).isNotNull();
    first.join();
    assertThat(InitializedOnce.done).isTrue();
    assertThat(ClassWarmup.startOnce(List.of(name))).isNull();
    assertThat(ClassWarmup.startInBackground(name + ",")).isNull();
  }
}
