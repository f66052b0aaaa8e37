package io.rtm.compat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.ExprUtils$;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.json.JSONOptions;
import org.apache.spark.sql.catalyst.json.JacksonParser;
import org.apache.spark.sql.catalyst.util.FailFastMode$;
import org.apache.spark.sql.catalyst.util.FailureSafeParser;
import org.apache.spark.sql.catalyst.util.ParseMode;
import org.apache.spark.sql.catalyst.util.PermissiveMode$;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * {@code from_json} for struct, array and map schemas, parsing each record from a {@code String}
 * instead of through an {@code InputStreamReader}: the same Spark parser (options, modes, corrupt
 * record column, errors), without the 8 KiB byte buffer the reader's decoder allocates per record.
 *
 * <p>Why: Spark 4.2.0's {@code CreateJacksonParser.utf8String} wraps every record in an
 * {@code InputStreamReader}, whose {@code StreamDecoder} allocates an 8 KiB buffer: at 10,000
 * records/s that was a quarter of a real-time query's allocation (a JFR profile of the stateless
 * benchmark) and so of its young collections, each a pause every record behind it waits for.
 * Later Spark versions hand Jackson the bytes; this keeps 4.2.0's exact semantics instead:
 * {@code UTF8String.toString} decodes with the same UTF-8 rules as the reader (malformed bytes
 * become U+FFFD), so Jackson's character parser sees the very characters it saw before.
 *
 * <p>Spark 4.2.0: mirrors how {@code JsonToStructsEvaluator} (in {@code JsonExpressionEvalUtils})
 * builds its parser from {@code JSONOptions}, {@code JacksonParser} and {@code FailureSafeParser}
 * ({@code private[sql]} classes, public in bytecode); only the function that makes the Jackson
 * parser differs. Checked against spark-catalyst_2.13 4.2.0.
 */
public final class StringSourceJsonToStructs implements Serializable {
  private static final long serialVersionUID = 1L;

  private final scala.collection.immutable.Map<String, String> options;
  /** Spark's nullable copy of the user's schema, the expression's data type. */
  private final DataType schema;
  private final String timeZoneId;
  private final String defaultCorruptRecordColumn;

  private transient FailureSafeParser<UTF8String> parser;

  private StringSourceJsonToStructs(scala.collection.immutable.Map<String, String> options, DataType schema,
      String timeZoneId, String defaultCorruptRecordColumn) {
    this.options = options;
    this.schema = schema;
    this.timeZoneId = timeZoneId;
    this.defaultCorruptRecordColumn = defaultCorruptRecordColumn;
  }

  /** True for the schemas this evaluator parses (Variant stays with Spark's own). */
  public static boolean handles(JsonToStructs expression) {
    DataType type = expression.dataType();
    return (type instanceof StructType || type instanceof ArrayType || type instanceof MapType)
        && expression.timeZoneId().isDefined();
  }

  /**
   * @param conf the query's session conf: its corrupt-record column name is the default, as Spark's
   *     expression reads it from the conf the query runs with
   */
  public static StringSourceJsonToStructs of(JsonToStructs expression, SQLConf conf) {
    if (!handles(expression)) {
      throw new IllegalArgumentException("Not a struct, array or map from_json with a time zone: " + expression);
    }
    return new StringSourceJsonToStructs(expression.options(), expression.dataType(),
        expression.timeZoneId().get(), conf.columnNameOfCorruptRecord());
  }

  /** The parsed value: a row, an array or a map as the schema says; null for null input. */
  public Object evaluate(UTF8String json) {
    if (json == null) {
      return null;
    }
    Iterator<InternalRow> rows = parser().parse(json);
    if (!rows.hasNext()) {
      return null;
    }
    InternalRow row = rows.next();
    if (schema instanceof StructType) {
      return row;
    }
    return schema instanceof ArrayType ? row.getArray(0) : row.getMap(0);
  }

  private FailureSafeParser<UTF8String> parser() {
    if (parser == null) {
      parser = newParser();
    }
    return parser;
  }

  private FailureSafeParser<UTF8String> newParser() {
    JSONOptions parsed = new JSONOptions(options, timeZoneId, defaultCorruptRecordColumn);
    ParseMode mode = parsed.parseMode();
    if (mode != PermissiveMode$.MODULE$ && mode != FailFastMode$.MODULE$) {
      // Spark's AnalysisException, thrown where Spark's evaluator throws it: at the first record.
      throw StringSourceJsonToStructs.<RuntimeException>rethrow(
          QueryCompilationErrors.parseModeUnsupportedError("from_json", mode));
    }
    String corruptColumn = parsed.columnNameOfCorruptRecord();
    StructType parserSchema;
    DataType actualSchema;
    if (schema instanceof StructType struct) {
      ExprUtils$.MODULE$.verifyColumnNameOfCorruptRecord(struct, corruptColumn);
      parserSchema = struct;
      actualSchema = new StructType(java.util.Arrays.stream(struct.fields())
          .filter(f -> !f.name().equals(corruptColumn))
          .toArray(StructField[]::new));
    } else {
      parserSchema = new StructType(new StructField[] {
          new StructField("value", schema, true, Metadata.empty())});
      actualSchema = schema;
    }
    JacksonParser raw = new JacksonParser(actualSchema, parsed, false,
        CollectionConverters.asScala(List.<org.apache.spark.sql.sources.Filter>of()).toSeq());
    return new FailureSafeParser<>(new ParseRecord(raw), mode, parserSchema, corruptColumn);
  }

  /** Throws a checked Throwable (Scala's exceptions are unchecked) without wrapping it. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E rethrow(Throwable t) throws E {
    throw (E) t;
  }

  /** One record through Spark's Jackson parser, the record's text as the corrupt-record value. */
  private static final class ParseRecord extends AbstractFunction1<UTF8String, scala.collection.Iterable<InternalRow>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final FromString FROM_STRING = new FromString();
    private static final Identity IDENTITY = new Identity();
    private final JacksonParser raw;

    ParseRecord(JacksonParser raw) {
      this.raw = raw;
    }

    @Override
    public scala.collection.Iterable<InternalRow> apply(UTF8String record) {
      return raw.parse(record, FROM_STRING, IDENTITY);
    }
  }

  /** The Jackson parser over the record's characters: the replacement for the InputStreamReader. */
  static final class FromString extends AbstractFunction2<JsonFactory, UTF8String, JsonParser>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonParser apply(JsonFactory factory, UTF8String record) {
      try {
        return factory.createParser(record.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final class Identity extends AbstractFunction1<UTF8String, UTF8String> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public UTF8String apply(UTF8String record) {
      return record;
    }
  }
}
