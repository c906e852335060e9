export { isPhalaError, PhalaError } from "./phalaError.js";
