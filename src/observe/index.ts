export { LogWriter } from "./log-writer.js";
export {
  formatInitReport,
  formatReport,
  type ReportFields,
} from "./report-line.js";
