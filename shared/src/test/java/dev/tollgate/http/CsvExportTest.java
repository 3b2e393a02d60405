package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvExportTest {
    private static final List<CsvExport.Column> COLUMNS = List.of(CsvExport.Column.of("text"), CsvExport.Column.of("amount"),
            new CsvExport.Column("p50", "/latency/p50"));

    private static JsonNode json(String text) throws Exception {
        return Json.read(text);
    }

    @Test
    void quotesPerRfc4180AndWritesNumbersPlain() throws Exception {
        String csv = CsvExport.render(COLUMNS, List.of(
                json("{\"text\":\"a,b\",\"amount\":-0.16,\"latency\":{\"p50\":12}}"),
                json("{\"text\":\"say \\\"hi\\\"\\nthere\",\"amount\":100,\"latency\":{}}"),
                json("{\"text\":null,\"amount\":1e-6}")));
        assertEquals("text,amount,p50\r\n\"a,b\",-0.16,12\r\n\"say \"\"hi\"\"\nthere\",100,\r\n,0.000001,\r\n", csv);
    }

    @Test
    void textThatASpreadsheetWouldEvaluateIsEscapedButNumbersAreNot() throws Exception {
        for (String formula : List.of("=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx")) {
            assertEquals("'" + formula, CsvExport.cell(Json.object().put("v", formula).get("v")), formula);
        }
        assertEquals("-5", CsvExport.cell(Json.object().put("v", -5).get("v")));
        assertEquals("safe", CsvExport.cell(Json.object().put("v", "safe").get("v")));
        assertEquals("", CsvExport.cell(null));
    }

    @Test
    void anEmptyExportStillNamesItsColumns() {
        assertEquals("text,amount,p50\r\n", CsvExport.render(COLUMNS, List.of()));
    }
}
