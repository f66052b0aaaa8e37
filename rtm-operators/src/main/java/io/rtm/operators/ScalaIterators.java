package io.rtm.operators;

import java.util.Iterator;
import scala.collection.AbstractIterator;

/** Adapts Java iterators to the Scala iterators RDDs return. */
final class ScalaIterators {
  private ScalaIterators() {}

  static <T> scala.collection.Iterator<T> of(Iterator<T> it) {
    return new AbstractIterator<T>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }
    };
  }
}
