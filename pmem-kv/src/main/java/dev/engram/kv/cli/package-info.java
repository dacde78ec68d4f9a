/**
 * {@code ./engram kv}: the command-line interface of the key-value store. One picocli subcommand per
 * class ({@link dev.engram.kv.cli.CreateCommand create}, {@link dev.engram.kv.cli.PutCommand put},
 * {@link dev.engram.kv.cli.GetCommand get}, ... {@link dev.engram.kv.cli.InfoCommand info}), the pool
 * options they share ({@link dev.engram.kv.cli.PoolOptions}), the JSON-lines format of import and
 * export ({@link dev.engram.kv.cli.JsonLines}), and every exit code in one table
 * ({@link dev.engram.kv.cli.ExitCode}), to which typed {@link dev.engram.kv.KvException} codes are
 * mapped in one switch. The CLI sits on top of the public {@code dev.engram.kv} API and uses nothing
 * below it.
 */
package dev.engram.kv.cli;
