package dev.tollgate.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The usage range: ISO spells years ±1,000,000,000, the ids a range is looked up by do not. */
class AccountActivityTest {

    @ParameterizedTest
    @ValueSource(strings = {"-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z", "nonsense", "2026-02-30", "\u0000"})
    void timesOutsideTheYearsOfRecordsOrNotTimesAtAllAreValidationErrors(String value) {
        TollgateException e = assertThrows(TollgateException.class, () -> AccountActivity.parseTime(value, "to", true));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/to", e.details().get("pointer"));
    }

    @Test
    void datesAndInstantsInRangeAreRead() {
        assertEquals(Instant.parse("2026-04-17T00:00:00Z"), AccountActivity.parseTime("2026-04-16", "to", true));
        assertEquals(Instant.parse("2026-04-16T00:00:00Z"), AccountActivity.parseTime("2026-04-16", "from", false));
        assertEquals(Instant.EPOCH, AccountActivity.parseTime("1970-01-01T00:00:00Z", "from", false));
        assertEquals(AccountActivity.LATEST, AccountActivity.parseTime("9999-12-31T23:59:59Z", "to", true));
    }
}
