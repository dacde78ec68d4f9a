package dev.engram.bench.compare;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code steps.json}: one JSON object per finished step (id, purpose, exit code, seconds, results written,
 * the runner's arguments, the load average when it ended) and, in each, the machine as it was at the
 * start, so {@code --report-only} can rewrite a README without measuring again.
 */
final class StepLog {

    static final String FILE = "steps.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@link #read} found. */
    record Read(List<CompareCli.StepOutcome> outcomes, Host before, String lastLoadAverage) {
    }

    private StepLog() {
    }

    static void append(Path file, CompareCli.StepOutcome o, Host before) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.step().id());
        m.put("purpose", o.step().purpose());
        m.put("exit", o.exit());
        m.put("seconds", o.seconds());
        m.put("results", o.results());
        m.put("args", o.step().args());
        m.put("load_average", Host.loadAverageNow());
        m.put("host", JSON.convertValue(before, Map.class));
        try {
            Files.writeString(file, JSON.writeValueAsString(m) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Read read(Path file) {
        List<CompareCli.StepOutcome> outcomes = new ArrayList<>();
        Host before = null;
        String load = "unknown";
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> m = JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {
                });
                ComparePlan.Step step = new ComparePlan.Step((String) m.get("id"), (String) m.get("purpose"),
                        (List<String>) m.get("args"));
                outcomes.add(new CompareCli.StepOutcome(step, ((Number) m.get("exit")).intValue(),
                        ((Number) m.get("seconds")).doubleValue(), ((Number) m.get("results")).intValue()));
                load = (String) m.get("load_average");
                if (before == null) {
                    before = JSON.convertValue(m.get("host"), Host.class);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (before == null) {
            throw new IllegalStateException(file + " lists no step: nothing to report");
        }
        return new Read(outcomes, before, load);
    }
}
