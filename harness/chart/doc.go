// Package chart draws coldstart's figures as SVG with gonum/plot. It sits
// beside report at the end of the pipeline: report writes tables and text,
// chart the pictures that go with them: the distribution of a package's
// init time beside the total's for evidence documents, the waterfall of one
// run's inits, and nightly trends.
//
// Each function takes the figures it draws and writes one complete SVG
// document to an io.Writer, or returns an error for input it cannot draw.
// Nothing here reads files, measures or keeps state between calls.
//
// Importing this package costs init time: gonum.org/v1/plot parses its
// Liberation fonts in an init function (measured at 0.2-0.6 ms on the
// 2-vCPU VM, about 1 ms for plot and its dependencies together), which every
// command of a binary that links chart pays.
package chart
