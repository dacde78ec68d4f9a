package dev.engram.neuro.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code report}: training runs and sweeps on shared axes with IBM's reported figures. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Assembles training runs (directories of `train`) and sweeps (directories of `sweep`) into "
                + "learning.png|svg, faults.png|svg and report.md, with IBM's reported 82.9 %% and its tolerancing "
                + "summaries (~30 %% dead, ~20 %% stuck) drawn as references, and states each target's verdict."})
final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    private NeuroCli root;

    @Option(names = "--in", paramLabel = "DIR", arity = "1..*", required = true,
            description = "directories written by train or sweep")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", description = "where the report goes (created); default neuro-runs/report")
    Path out = Path.of("neuro-runs", "report");

    @Override
    public Integer call() {
        List<Path> files = Report.write(inputs, out, root.commandLine);
        root.out.println("wrote " + files.size() + " files to " + out + ": "
                + files.stream().map(p -> p.getFileName().toString()).toList());
        return NeuroCli.OK;
    }
}
