/** Reports: model summaries, JSON output, and the report files commands write. */
package dev.graft.report;
