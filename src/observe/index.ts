export { LogWriter } from "./log-writer.js";
export { formatReport, type ReportFields } from "./report-line.js";
