// Package bench holds easel's benchmarks: programs and scripts that build
// projects of a given size and time the real binary against a baseline.
// Results are recorded in BENCHMARKS.md at the repository root. Nothing
// here is imported by easel.
package bench
