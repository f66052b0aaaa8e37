package io.rtm.operators.aggregate;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Where event time lives for a stateful operator over a watermarked stream.
 *
 * @param keyEventTime over the operator's key: the event time a group belongs to (for a window, its
 *     end); a group whose time is at or below the watermark is final and leaves the state, and a
 *     row for such a group is late and dropped (Spark's late-row predicate uses the same column)
 * @param appendMode emit a group once, when it becomes final, instead of on every update
 */
public record EventTimeSpec(Expression keyEventTime, boolean appendMode)
    implements Serializable {}
