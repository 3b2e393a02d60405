package dev.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.TollgateException;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The CSV form of a JSON list route ({@code ?format=csv} or {@code Accept: text/csv}): one header row, then one row
 * per item, columns picked from each item by JSON pointer. Quoting and CRLF rows are RFC 4180 (Jackson CSV). Text cells that a
 * spreadsheet would run as a formula (starting with {@code = + - @}, tab or carriage return) get a leading apostrophe;
 * number cells are written as numbers and left alone, so a negative amount stays a number. A paginated route sends
 * the same page as its JSON form and the next page's cursor in {@code X-Next-Cursor}.
 */
public final class CsvExport {
    public static final String MEDIA_TYPE = "text/csv; charset=utf-8";
    public static final String NEXT_CURSOR_HEADER = "X-Next-Cursor";
    private static final CsvMapper CSV = new CsvMapper();

    /** One column: its header and where its value is in an item. */
    public record Column(String header, String pointer) {
        public static Column of(String name) {
            return new Column(name, "/" + name);
        }
    }

    private CsvExport() {
    }

    /** Whether the caller asked for CSV; {@code ?format} wins over {@code Accept}. */
    public static boolean requested(ApiRequest request) {
        var format = request.query("format");
        if (format.isPresent()) {
            return switch (format.get().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw TollgateException.validation("/format", "format must be 'json' or 'csv'");
            };
        }
        return request.header("accept").map(accept -> accept.toLowerCase(Locale.ROOT).contains("text/csv")).orElse(false);
    }

    /** {@code 200 text/csv} with a download file name, and the next page's cursor when there is one. */
    public static ApiResponse response(String fileName, List<Column> columns, Iterable<JsonNode> items, String nextCursor) {
        ApiResponse response = new ApiResponse(200, java.util.Map.of(), render(columns, items))
                .withHeader("Content-Type", MEDIA_TYPE)
                .withHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        return nextCursor == null ? response : response.withHeader(NEXT_CURSOR_HEADER, nextCursor);
    }

    static String render(List<Column> columns, Iterable<JsonNode> items) {
        CsvSchema.Builder schema = CsvSchema.builder().setLineSeparator("\r\n").setUseHeader(true);
        columns.forEach(column -> schema.addColumn(column.header()));
        StringWriter out = new StringWriter();
        try (SequenceWriter rows = CSV.writer(schema.build()).writeValues(out)) {
            boolean any = false;
            for (JsonNode item : items) {
                String[] row = new String[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = cell(item.at(columns.get(i).pointer()));
                }
                rows.write(row);
                any = true;
            }
            if (!any) {
                // Jackson writes the header with the first row; an empty export still names its columns.
                return String.join(",", columns.stream().map(Column::header).toList()) + "\r\n";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String cell(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isContainerNode()) {
            return formulaSafe(value.toString());
        }
        return formulaSafe(value.asText());
    }

    /** A text cell a spreadsheet will show as text, never evaluate (OWASP CSV injection). */
    static String formulaSafe(String text) {
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return text;
    }
}
