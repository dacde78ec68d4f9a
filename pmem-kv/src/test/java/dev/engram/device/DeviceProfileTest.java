package dev.engram.device;

import dev.engram.region.Granularity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The presets carry their documented, sourced figures, and parse by name with clear errors. */
class DeviceProfileTest {

    @Test
    void shouldParseEveryPresetByNameCaseInsensitivelyWithHyphenOrUnderscore() {
        assertSame(DeviceProfile.NONE, DeviceProfile.parse("none"));
        assertSame(DeviceProfile.DRAM, DeviceProfile.parse("DRAM"));
        assertSame(DeviceProfile.NVDIMM_N, DeviceProfile.parse("nvdimm-n"));
        assertSame(DeviceProfile.NVDIMM_N, DeviceProfile.parse("NVDIMM_N"));
        assertSame(DeviceProfile.OPTANE_PCM, DeviceProfile.parse("optane-pcm"));
        assertSame(DeviceProfile.OPTANE_PCM, DeviceProfile.parse(" Optane_PCM "));
        assertSame(DeviceProfile.SSD, DeviceProfile.parse("ssd"));
        for (DeviceProfile p : DeviceProfile.presets()) {
            assertSame(p, DeviceProfile.parse(p.name()), p.name());
        }
    }

    @Test
    void shouldRejectAnUnknownNameNamingItAndListingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceProfile.parse("flash"));
        assertTrue(e.getMessage().contains("'flash'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected none, dram, nvdimm-n, optane-pcm or ssd"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceProfile.parse(null));
    }

    @Test
    void shouldCarryTheOptaneFiguresOfIzraelevitz2019() {
        DeviceProfile p = DeviceProfile.OPTANE_PCM;
        assertEquals(305, p.readLatencyNanos());
        assertEquals(116, p.persistLatencyNanos());
        assertEquals(6_500_000_000L, p.readBandwidthBytesPerSecond());
        assertEquals(2_200_000_000L, p.writeBandwidthBytesPerSecond());
        assertEquals(256, p.mediaLineBytes());
        assertEquals(100_000_000L, p.enduranceWritesPerLine());
        assertTrue(p.hasEnduranceLimit());
        assertEquals(Granularity.CACHE_LINE, p.granularity());
        assertEquals(0, p.restoreNanos(1L << 30));
    }

    @Test
    void shouldModelNvdimmNAsByteGranularDramThatRestoresSixteenGigabytesInAboutAMinute() {
        DeviceProfile p = DeviceProfile.NVDIMM_N;
        assertEquals(Granularity.BYTE, p.granularity());
        assertEquals(17_000_000_000L, p.readBandwidthBytesPerSecond());
        assertEquals(17_000_000_000L, p.writeBandwidthBytesPerSecond());
        assertEquals(DeviceProfile.DRAM.readLatencyNanos(), p.readLatencyNanos());
        assertFalse(p.hasEnduranceLimit());
        long sixteenGiB = 16L << 30;
        assertEquals(60e9, p.restoreNanos(sixteenGiB), 1e6, "restore of 16 GiB");
        assertEquals(p.restoreNanos(sixteenGiB) / 2.0, p.restoreNanos(sixteenGiB / 2), 1.0, "linear in size");
    }

    @Test
    void shouldCarryTheDramAndSsdFigures() {
        assertEquals(100, DeviceProfile.DRAM.readLatencyNanos());
        assertEquals(64, DeviceProfile.DRAM.mediaLineBytes());
        assertNull(DeviceProfile.DRAM.granularity(), "DRAM keeps the wrapped region's granularity");
        DeviceProfile ssd = DeviceProfile.SSD;
        assertEquals(85_000, ssd.readLatencyNanos());
        assertEquals(20_000, ssd.persistLatencyNanos());
        assertEquals(3_200_000_000L, ssd.readBandwidthBytesPerSecond());
        assertEquals(1_050_000_000L, ssd.writeBandwidthBytesPerSecond());
        assertEquals(4096, ssd.mediaLineBytes());
        assertEquals(Granularity.PAGE, ssd.granularity());
    }

    @Test
    void shouldMakeNoneAPassthroughThatStillHasMediaLines() {
        DeviceProfile p = DeviceProfile.NONE;
        assertEquals(0, p.readLatencyNanos());
        assertEquals(0, p.persistLatencyNanos());
        assertEquals(DeviceProfile.NO_BANDWIDTH_CAP, p.readBandwidthBytesPerSecond());
        assertEquals(DeviceProfile.NO_BANDWIDTH_CAP, p.writeBandwidthBytesPerSecond());
        assertEquals(256, p.mediaLineBytes());
        assertFalse(p.hasEnduranceLimit());
        assertNull(p.granularity());
    }

    @Test
    void shouldRejectImpossibleFiguresNamingTheField() {
        IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
                () -> DeviceProfile.NONE.withMediaLineBytes(100));
        assertTrue(line.getMessage().contains("mediaLineBytes is 100"), line.getMessage());
        IllegalArgumentException latency = assertThrows(IllegalArgumentException.class,
                () -> DeviceProfile.NONE.withReadLatencyNanos(-1));
        assertTrue(latency.getMessage().contains("readLatencyNanos"), latency.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceProfile.NONE.withEnduranceWritesPerLine(0));
        assertThrows(IllegalArgumentException.class, () -> DeviceProfile.NONE.withName(" "));
    }
}
