package dev.engram.kv.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** A subcommand on one pool: the shared pool options and the streams. Returns its exit status. */
abstract class PoolCommand implements Callable<Integer> {

    @ParentCommand
    private KvCli cli;

    @Mixin
    PoolOptions pool;

    Io io() {
        return cli.io;
    }

    /** A command-line key or value: its UTF-8 bytes. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
