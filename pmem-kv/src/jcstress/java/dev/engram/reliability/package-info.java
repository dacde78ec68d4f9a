/**
 * JCStress tests of the 8-byte commit word (publication order, no torn reads, compare-and-set) on
 * WALK and CRAWL regions. They fork their own JVMs, so they live outside Surefire: the {@code jcstress}
 * profile of pmem-kv compiles them with the test classes and docs/reliability.md has the command.
 */
package dev.engram.reliability;
