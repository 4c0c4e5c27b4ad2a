// manifest-rules.md §9, table-driven, over the real server on stdio.
import { stdioSuite } from './ruleSuites';
import { MANIFEST_RULES } from './ruleTable';

stdioSuite('manifest-rules.md §9 over stdio', MANIFEST_RULES);
