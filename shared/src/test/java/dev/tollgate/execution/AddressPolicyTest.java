package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** SSRF guard (SPEC 7.4): every address class, every host spelling, checked on the resolved address. */
class AddressPolicyTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {
            "127.0.0.1", "127.255.255.254",                 // loopback
            "0.0.0.0", "0.1.2.3",                           // unspecified / this network
            "10.0.0.1", "10.255.255.255",                   // private
            "172.16.0.1", "172.31.255.255",                 // private
            "192.168.0.1", "192.168.255.255",               // private
            "100.64.0.1", "100.127.255.254",                // CGNAT
            "169.254.0.1", "169.254.169.254",               // link-local, cloud metadata
            "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.10", // IETF / documentation
            "198.18.0.1", "198.19.255.255",                 // benchmarking
            "192.88.99.1",                                  // 6to4 relay anycast
            "224.0.0.1", "239.255.255.250",                 // multicast
            "240.0.0.1", "255.255.255.255",                 // reserved, broadcast
            "::", "::1",                                    // IPv6 unspecified, loopback
            "fe80::1", "febf::1",                           // IPv6 link-local
            "fc00::1", "fd12:3456:789a::1",                 // IPv6 unique local
            "fec0::1",                                      // IPv6 site-local
            "ff02::1", "ff05::fb",                          // IPv6 multicast
            "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", // IPv4-mapped
            "::127.0.0.1", "::10.0.0.1",                    // IPv4-compatible
            "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe",     // NAT64 of private / metadata
            "64:ff9b:1::1",                                 // local-use NAT64
            "2002:7f00:1::1", "2002:a9fe:a9fe::",           // 6to4 embedding private
            "2001:db8::1",                                  // documentation
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",         // Teredo
            "100::1",                                       // discard-only
            "2001:2::1", "2001:20::1", "2001:1::1",         // benchmarking, ORCHIDv2, other IETF assignments
            "3fff::1", "3fff:fff::1",                       // documentation (RFC 9637)
            "5f00::1", "4000::1", "1000::1", "e000::1",     // SRv6 SIDs, unassigned space outside 2000::/3
            "::ffff:0:7f00:1", "::ffff:0:808:808",          // SIIT IPv4-translated
            "64:ff9b:1::808:808",                           // local-use NAT64, even of a public address
            "2002:c0a8:101::1", "2002:6440::1"              // 6to4 of 192.168.1.1 and CGNAT
    })
    void nonPublicAddressesAreRefused(String literal) throws Exception {
        assertTrue(AddressPolicy.isForbidden(ip(literal)), literal);
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1",
            "100.63.255.255", "192.169.0.1", "169.255.0.1", "223.255.255.255", "2606:4700:4700::1111",
            "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2001:200::1",
            "2a00:1450:4001:80b::200e", "3fff:1000::1"})
    void publicAddressesAreAllowed(String literal) throws Exception {
        assertFalse(AddressPolicy.isForbidden(ip(literal)), literal);
    }

    @ParameterizedTest(name = "{0} is 127.0.0.1")
    @ValueSource(strings = {"2130706433", "0x7f000001", "0X7F000001", "017700000001", "0x7f.1", "127.1", "127.0.1",
            "0177.0.0.1", "0177.0.0.01", "0x7f.0x0.0x0.0x1", "0x7f.0.0x0.1", "127.0.0.1", "127.0.0.1."})
    void numericSpellingsAreNormalisedLikeInetAton(String host) throws Exception {
        InetAddress address = AddressPolicy.literal(AddressPolicy.normaliseHost(host)).orElseThrow();
        assertArrayEquals(new byte[] {127, 0, 0, 1}, address.getAddress(), host);
        assertTrue(AddressPolicy.isForbidden(address));
    }

    @Test
    void metadataAddressInHexAndDecimalIsRecognised() throws Exception {
        for (String host : new String[] {"0xA9.0xFE.0xA9.0xFE", "2852039166", "0251.0376.0251.0376", "169.254.43518"}) {
            InetAddress address = AddressPolicy.literal(host.toLowerCase()).orElseThrow();
            assertEquals("169.254.169.254", address.getHostAddress(), host);
        }
    }

    @ParameterizedTest(name = "{0} is not an address")
    @ValueSource(strings = {"256.1.1.1", "1.2.3.4.5", "0x100000000", "4294967296", "08.0.0.1", "1.2.3.0400", "1.2.65536"})
    void malformedNumericHostsAreRefusedNotLookedUp(String host) {
        assertThrows(UnknownHostException.class, () -> AddressPolicy.literal(host));
    }

    @Test
    void hostNamesAreNotLiterals() throws Exception {
        assertTrue(AddressPolicy.literal("api.openai.com").isEmpty());
        assertTrue(AddressPolicy.literal("cafe.de").isEmpty());
        assertTrue(AddressPolicy.literal("1e100.net").isEmpty());
        assertEquals("localhost", AddressPolicy.normaliseHost("LocalHost."));
        assertEquals("::1", AddressPolicy.normaliseHost("[::1]"));
    }

    @Test
    void theResolverRefusesPrivateAnswersAndRebindingMixes() {
        AddressGuard resolver = new AddressGuard(false, host -> switch (host) {
            case "localhost" -> new InetAddress[] {InetAddress.getByAddress(new byte[] {127, 0, 0, 1})};
            case "rebind.example" -> new InetAddress[] {InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34}),
                    InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})};
            case "ollama.example" -> new InetAddress[] {InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34})};
            default -> throw new UnknownHostException(host);
        });
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("localhost"));
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("LOCALHOST."));
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("rebind.example"));
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("0x7f.1"));
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("[::ffff:a9fe:a9fe]"));
        assertThrows(AddressGuard.ForbiddenAddressException.class, () -> resolver.resolve("08.0.0.1"));
        assertThrows(UnknownHostException.class, () -> resolver.resolve("nx.example"));
        assertDoesNotThrowOn(resolver, "ollama.example");
    }

    @Test
    void literalsNeverReachDnsAndPrivateIsAllowedWhenConfigured() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard permissive = new AddressGuard(true, host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByAddress(new byte[] {127, 0, 0, 1})};
        });
        // Allowed, but still normalised: the connection goes to the address the spelling means.
        assertArrayEquals(new byte[] {127, 0, 0, 1}, permissive.resolve("0x7f.1")[0].getAddress());
        assertArrayEquals(new byte[] {10, 0, 0, 1}, permissive.resolve("167772161")[0].getAddress());
        assertEquals(0, lookups.get());
        permissive.resolve("localhost");
        assertEquals(1, lookups.get());
    }

    private static void assertDoesNotThrowOn(AddressGuard resolver, String host) {
        try {
            assertEquals(1, resolver.resolve(host).length);
        } catch (UnknownHostException e) {
            throw new AssertionError(host + " should resolve", e);
        }
    }
}
