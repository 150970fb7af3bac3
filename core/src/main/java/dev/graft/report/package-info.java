/**
 * Reports: model summaries, the typed report of a recipe run ({@link dev.graft.report.RunReport}),
 * the one JSON policy reports are written by ({@link dev.graft.report.Json}), and report.html.
 */
package dev.graft.report;
