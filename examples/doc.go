// Package examples holds runnable easel projects and a third-party provider,
// and the test that runs them all with the real easel binary.
package examples
