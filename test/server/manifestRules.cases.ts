// The 121 cases of manifest-rules.md §9 (SecretSpec 0.19/0.20), each with what
// the server must report: severity, rule code, SecretSpec's message and the
// exact text the diagnostic's range covers.
export interface Expected { severity: 'error' | 'warning' | 'information'; code: string; message: string; at?: string }
export interface RuleCase { id: string; title: string; files: Record<string, string>; expect: Expected[] }

const H = '[project]\nname = "app"\nrevision = "1.0"\n';

export const CASES: RuleCase[] = [
  {
    id: 'T01',
    title: "minimal",
    files: {
      "secretspec.toml": H + "[profiles.default]\nAPI_KEY = { description = \"API key\" }\n",
    },
    expect: [],
  },
  {
    id: 'T02',
    title: "no `[project]`",
    files: {
      "secretspec.toml": "[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``missing field `project` ``)
    expect: [
      { severity: 'error', code: 'missing-field', message: "missing field `project`", at: "[profiles.default]" },
    ],
  },
  {
    id: 'T03',
    title: "no revision",
    files: {
      "secretspec.toml": "[project]\nname = \"app\"\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``missing field `revision` ``, at `project`)
    expect: [
      { severity: 'error', code: 'missing-field', message: "missing field `revision`", at: "project" },
    ],
  },
  {
    id: 'T04',
    title: "wrong revision",
    files: {
      "secretspec.toml": "[project]\nname = \"app\"\nrevision = \"2.0\"\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // (CLI: `Unsupported secretspec revision '2.0'. This version of secretspec only supports revision '1.0'`)
    expect: [
      { severity: 'error', code: 'unsupported-revision', message: "Unsupported secretspec revision '2.0'. This version of secretspec only supports revision '1.0'", at: "\"2.0\"" },
    ],
  },
  {
    id: 'T05',
    title: "numeric revision",
    files: {
      "secretspec.toml": "[project]\nname = \"app\"\nrevision = 1.0\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``invalid type: floating point `1.0`, expected a string``)
    expect: [
      { severity: 'error', code: 'invalid-type', message: "invalid type: floating point `1.0`, expected a string", at: "1.0" },
    ],
  },
  {
    id: 'T06',
    title: "empty name",
    files: {
      "secretspec.toml": "[project]\nname = \"\"\nrevision = \"1.0\"\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([L] `Project name cannot be empty`)
    expect: [
      { severity: 'error', code: 'empty-project-name', message: "Project name cannot be empty", at: "\"\"" },
    ],
  },
  {
    id: 'T07',
    title: "no profiles key",
    files: {
      "secretspec.toml": H + "[profile.default]    # singular typo: ignored\nA = { description = \"a\" }\n",
    },
    // ([P] ``missing field `profiles` ``)
    expect: [
      { severity: 'error', code: 'missing-field', message: "missing field `profiles`", at: "[project]" },
    ],
  },
  {
    id: 'T08',
    title: "empty profiles table",
    files: {
      "secretspec.toml": H + "[profiles]\n",
    },
    // ([L] `At least one profile must be defined`)
    expect: [
      { severity: 'error', code: 'no-profiles', message: "At least one profile must be defined", at: "profiles" },
    ],
  },
  {
    id: 'T09',
    title: "empty default profile",
    files: {
      "secretspec.toml": H + "[profiles.default]\n",
    },
    // ([L] `Profile 'default': Profile must define at least one secret`)
    expect: [
      { severity: 'error', code: 'empty-profile', message: "Profile 'default': Profile must define at least one secret", at: "default" },
    ],
  },
  {
    id: 'T10',
    title: "unknown top-level tables",
    files: {
      "secretspec.toml": H + "[x-editor]\ntheme = \"dark\"\n[audit]\nenabled = false\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    expect: [
      { severity: 'information', code: 'ignored-table', message: 'audit', at: 'audit' },
      { severity: 'information', code: 'extension-unowned', message: '[x-editor]', at: 'x-editor' },
    ],
  },
  {
    id: 'T11',
    title: "unknown `[project]` key",
    files: {
      "secretspec.toml": H + "owner = \"team\"\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    expect: [
      { severity: 'information', code: 'ignored-key', message: '`owner`', at: 'owner' },
    ],
  },
  {
    id: 'T12',
    title: "misspelled secret field",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", requried = false }\n",
    },
    expect: [
      { severity: 'information', code: 'ignored-key', message: 'did you mean `required`?', at: 'requried' },
    ],
  },
  {
    id: 'T13',
    title: "non-table secret",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nFOO = \"bar\"\n",
    },
    // ([P] `invalid type: string "bar", expected struct SecretSerde`, located at `profiles.default`)
    expect: [
      { severity: 'error', code: 'invalid-type', message: "invalid type: string \"bar\", expected struct SecretSerde", at: "\"bar\"" },
    ],
  },
  {
    id: 'T14',
    title: "secret name starting with a digit",
    files: {
      "secretspec.toml": H + "[profiles.default]\n\"1BAD\" = { description = \"x\" }\n",
    },
    // ([L] `Profile 'default': Invalid secret name '1BAD': must be a valid identifier (alphanumeric and underscores, not starting with a number)`)
    expect: [
      { severity: 'error', code: 'invalid-secret-name', message: "Profile 'default': Invalid secret name '1BAD': must be a valid identifier (alphanumeric and underscores, not starting with a number)", at: "\"1BAD\"" },
    ],
  },
  {
    id: 'T15',
    title: "hyphenated name",
    files: {
      "secretspec.toml": H + "[profiles.default]\n\"my-key\" = { description = \"x\" }\n",
    },
    // ([L] invalid secret name `'my-key'`)
    expect: [
      { severity: 'error', code: 'invalid-secret-name', message: "Profile 'default': Invalid secret name 'my-key': must be a valid identifier (alphanumeric and underscores, not starting with a number)", at: "\"my-key\"" },
    ],
  },
  {
    id: 'T16',
    title: "lowercase and non-ASCII names",
    files: {
      "secretspec.toml": H + "[profiles.default]\napi_key = { description = \"x\" }\n\"cl\u00e9\" = { description = \"y\" }   # TOML bare keys are ASCII-only, so quote it\n_PRIVATE = { description = \"z\" }\n",
    },
    expect: [],
  },
  {
    id: 'T17',
    title: "missing description",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { required = true }\n",
    },
    // ([L] `Profile 'default': Secret 'A': missing description`)
    expect: [
      { severity: 'error', code: 'missing-description', message: "Profile 'default': Secret 'A': missing description", at: "A" },
    ],
  },
  {
    id: 'T18',
    title: "empty description",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"\" }\n",
    },
    // ([L] `Profile 'default': Secret 'A': description cannot be empty`; `description = "  "` is valid)
    expect: [
      { severity: 'error', code: 'empty-description', message: "Profile 'default': Secret 'A': description cannot be empty", at: "\"\"" },
    ],
  },
  {
    id: 'T19',
    title: "required=true with default, same entry",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", required = true, default = \"x\" }\n",
    },
    // ([L] `Profile 'default': Secret 'A': Required secrets cannot have default values`)
    expect: [
      { severity: 'error', code: 'required-with-default', message: "Profile 'default': Secret 'A': Required secrets cannot have default values", at: "required = true" },
    ],
  },
  {
    id: 'T20',
    title: "required=true inherited, default in override",
    files: {
      "secretspec.toml": H + "[profiles.default]\nDB = { description = \"db\", required = true }\n[profiles.development]\nDB = { default = \"sqlite:///dev.db\" }\n",
    },
    expect: [],
  },
  {
    id: 'T21',
    title: "generate without type",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", generate = true }\n",
    },
    // ([L] `Profile 'default': Secret 'A': 'generate' requires 'type' to be set (e.g., type = "password")`)
    expect: [
      { severity: 'error', code: 'generate-requires-type', message: "Profile 'default': Secret 'A': 'generate' requires 'type' to be set (e.g., type = \"password\")", at: "generate" },
    ],
  },
  {
    id: 'T22',
    title: "generate with default",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", type = \"password\", generate = true, default = \"x\" }\n",
    },
    // ([L] `… 'generate' and 'default' cannot both be set`)
    expect: [
      { severity: 'error', code: 'generate-with-default', message: "Profile 'default': Secret 'A': 'generate' and 'default' cannot both be set", at: "default" },
    ],
  },
  {
    id: 'T23',
    title: "command type with `generate = true`",
    files: {
      "secretspec.toml": H + "[profiles.default]\nK = { description = \"k\", type = \"command\", generate = true }\n",
    },
    // ([L] `… type = "command" requires generate = { command = "..." }`)
    expect: [
      { severity: 'error', code: 'command-requires-generate-command', message: "Profile 'default': Secret 'K': type = \"command\" requires generate = { command = \"...\" }", at: "true" },
    ],
  },
  {
    id: 'T24',
    title: "unknown type with generate",
    files: {
      "secretspec.toml": H + "[profiles.default]\nK = { description = \"k\", type = \"rsa_key\", generate = true }\n",
    },
    // ([L] `… unknown secret type 'rsa_key'`)
    expect: [
      { severity: 'error', code: 'unknown-secret-type', message: "Profile 'default': Secret 'K': unknown secret type 'rsa_key'", at: "\"rsa_key\"" },
    ],
  },
  {
    id: 'T25',
    title: "unknown type without generate",
    files: {
      "secretspec.toml": H + "[profiles.default]\nK = { description = \"k\", type = \"banana\" }\n",
    },
    // ([L] `… unknown secret type 'banana'`)
    expect: [
      { severity: 'error', code: 'unknown-secret-type', message: "Profile 'default': Secret 'K': unknown secret type 'banana'", at: "\"banana\"" },
    ],
  },
  {
    id: 'T26',
    title: "`generate = false` without type",
    files: {
      "secretspec.toml": H + "[profiles.default]\nK = { description = \"k\", generate = false }\n",
    },
    expect: [],
  },
  {
    id: 'T27',
    title: "`generate = {}` enables generation",
    files: {
      "secretspec.toml": H + "[profiles.default]\nP = { description = \"p\", type = \"password\", generate = {} }\nQ = { description = \"q\", generate = { lenght = 64 } }\n",
    },
    // (`P` is valid; `Q` fails [L] `Profile 'default': Secret 'Q': 'generate' requires 'type' …`)
    expect: [
      { severity: 'information', code: 'ignored-key', message: 'did you mean `length`?', at: 'lenght' },
      { severity: 'error', code: 'generate-requires-type', message: "Profile 'default': Secret 'Q': 'generate' requires 'type' to be set (e.g., type = \"password\")", at: "generate" },
    ],
  },
  {
    id: 'T28',
    title: "generate as string",
    files: {
      "secretspec.toml": H + "[profiles.default]\nK = { description = \"k\", type = \"password\", generate = \"yes\" }\n",
    },
    // ([P] `data did not match any variant of untagged enum GenerateConfig`)
    expect: [
      { severity: 'error', code: 'invalid-generate', message: "data did not match any variant of untagged enum GenerateConfig", at: "\"yes\"" },
    ],
  },
  {
    id: 'T29',
    title: "inherited generate plus override default",
    files: {
      "secretspec.toml": H + "[profiles.default]\nT = { description = \"t\", type = \"password\", generate = true }\n[profiles.production]\nT = { default = \"placeholder\" }\n",
    },
    // ([L] `Profile 'production': Secret 'T': 'generate' and 'default' cannot both be set`)
    expect: [
      { severity: 'error', code: 'generate-with-default', message: "Profile 'production': Secret 'T': 'generate' and 'default' cannot both be set", at: "default" },
    ],
  },
  {
    id: 'T30',
    title: "profile `[defaults].default` reaching an inherited generate",
    files: {
      "secretspec.toml": H + "[profiles.default]\nT = { description = \"t\", type = \"password\", generate = true }\n[profiles.production]\nOTHER = { description = \"o\" }\n[profiles.production.defaults]\ndefault = \"placeholder\"\n",
    },
    // ([L] same message, `Profile 'production'`, secret `T`)
    expect: [
      { severity: 'error', code: 'generate-with-default', message: "Profile 'production': Secret 'T': 'generate' and 'default' cannot both be set", at: "default" },
    ],
  },
  {
    id: 'T31',
    title: "type inherited, generate enabled in override",
    files: {
      "secretspec.toml": H + "[profiles.default]\nT = { description = \"t\", type = \"password\" }\n[profiles.production]\nT = { generate = true }\n",
    },
    expect: [],
  },
  {
    id: 'T32',
    title: "empty required table",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", required = {} }\n",
    },
    // ([P] `` `required` table must set `at_least_one` or `exactly_one` ``)
    expect: [
      { severity: 'error', code: 'empty-required-table', message: "`required` table must set `at_least_one` or `exactly_one`", at: "{}" },
    ],
  },
  {
    id: 'T33',
    title: "required as string or with a misspelled group key",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", required = { at_leastone = \"g\" } }\n",
    },
    // ([P] `data did not match any variant of untagged enum RequiredSetting`)
    expect: [
      { severity: 'error', code: 'invalid-required', message: "data did not match any variant of untagged enum RequiredSetting", at: "{ at_leastone = \"g\" }" },
    ],
  },
  {
    id: 'T34',
    title: "single-member group",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPASSWORD = { description = \"p\", required = { at_least_one = \"auth\" } }\n",
    },
    // ([L] `Profile 'default': at_least_one group 'auth' must contain at least two secrets`)
    expect: [
      { severity: 'error', code: 'group-too-small', message: "Profile 'default': at_least_one group 'auth' must contain at least two secrets", at: "\"auth\"" },
    ],
  },
  {
    id: 'T35',
    title: "mixed group modes",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPASSWORD = { description = \"p\", required = { at_least_one = \"auth\" } }\nTOKEN = { description = \"t\", required = { exactly_one = \"auth\" } }\n",
    },
    // ([L] `Profile 'default': group 'auth' cannot mix at_least_one and exactly_one membership`)
    expect: [
      { severity: 'error', code: 'group-mixed-modes', message: "Profile 'default': group 'auth' cannot mix at_least_one and exactly_one membership", at: "\"auth\"" },
    ],
  },
  {
    id: 'T36',
    title: "duplicate group name in one list",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPASSWORD = { description = \"p\", required = { at_least_one = [\"auth\", \"auth\"] } }\nTOKEN = { description = \"t\", required = { at_least_one = \"auth\" } }\n",
    },
    // ([L] `Profile 'default': Secret 'PASSWORD': `` `at_least_one` contains duplicate group name 'auth' ``)
    expect: [
      { severity: 'error', code: 'group-name-duplicate', message: "Profile 'default': Secret 'PASSWORD': `at_least_one` contains duplicate group name 'auth'", at: "\"auth\"" },
    ],
  },
  {
    id: 'T37',
    title: "empty group list",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", required = { at_least_one = [] } }\nB = { description = \"b\", required = { at_least_one = [] } }\n",
    },
    // ([L] `` `at_least_one` must name at least one group ``, reported on the first sorted secret, `A`)
    expect: [
      { severity: 'error', code: 'group-list-empty', message: "Profile 'default': Secret 'A': `at_least_one` must name at least one group", at: "[]" },
      { severity: 'error', code: 'group-list-empty', message: "Profile 'default': Secret 'B': `at_least_one` must name at least one group", at: "[]" },
    ],
  },
  {
    id: 'T38',
    title: "blank group name",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", required = { exactly_one = \" \" } }\nB = { description = \"b\", required = { exactly_one = \" \" } }\n",
    },
    // ([L] `` `exactly_one` group name cannot be empty or whitespace ``)
    expect: [
      { severity: 'error', code: 'group-name-blank', message: "Profile 'default': Secret 'A': `exactly_one` group name cannot be empty or whitespace", at: "\" \"" },
      { severity: 'error', code: 'group-name-blank', message: "Profile 'default': Secret 'B': `exactly_one` group name cannot be empty or whitespace", at: "\" \"" },
    ],
  },
  {
    id: 'T39',
    title: "override leaves a singleton group",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPASSWORD = { description = \"p\", required = { at_least_one = \"auth\" } }\nTOKEN = { description = \"t\", required = { at_least_one = \"auth\" } }\n[profiles.production]\nPASSWORD = { required = true }\n",
    },
    // ([L] `Profile 'production': at_least_one group 'auth' must contain at least two secrets`; `default` passes)
    expect: [
      { severity: 'error', code: 'group-too-small', message: "Profile 'production': at_least_one group 'auth' must contain at least two secrets", at: "\"auth\"" },
    ],
  },
  {
    id: 'T40',
    title: "group with both modes, different names",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPASSWORD = { description = \"p\", required = { at_least_one = [\"auth\", \"fallback\"], exactly_one = \"excl\" } }\nTOKEN = { description = \"t\", required = { at_least_one = [\"auth\", \"fallback\"], exactly_one = \"excl\" } }\n[profiles.production]\n",
    },
    expect: [],
  },
  {
    id: 'T41',
    title: "prompt on an optional secret",
    files: {
      "secretspec.toml": H + "[profiles.default]\nP = { description = \"p\", prompt = true, required = false }\n",
    },
    // ([L] `` … `prompt = true` secrets must be individually required; omit `required` or set `required = true` ``)
    expect: [
      { severity: 'error', code: 'prompt-not-required', message: "Profile 'default': Secret 'P': `prompt = true` secrets must be individually required; omit `required` or set `required = true`", at: "required = false" },
    ],
  },
  {
    id: 'T42',
    title: "prompt with default",
    files: {
      "secretspec.toml": H + "[profiles.default]\nP = { description = \"p\", prompt = true, default = \"x\" }\n",
    },
    // ([L] `` … `prompt = true` cannot be combined with `default`, enabled `generate`, or `extract` ``)
    expect: [
      { severity: 'error', code: 'prompt-conflict', message: "Profile 'default': Secret 'P': `prompt = true` cannot be combined with `default`, enabled `generate`, or `extract`", at: "default" },
    ],
  },
  {
    id: 'T43',
    title: "prompt in a group",
    files: {
      "secretspec.toml": H + "[profiles.default]\nP = { description = \"p\", prompt = true, required = { at_least_one = \"g\" } }\nQ = { description = \"q\", required = { at_least_one = \"g\" } }\n",
    },
    // ([L] "individually required" message)
    expect: [
      { severity: 'error', code: 'prompt-not-required', message: "Profile 'default': Secret 'P': `prompt = true` secrets must be individually required; omit `required` or set `required = true`", at: "required = { at_least_one = \"g\" }" },
    ],
  },
  {
    id: 'T44',
    title: "prompt with profile `[defaults].required = false`",
    files: {
      "secretspec.toml": H + "[profiles.ops.defaults]\nrequired = false\n[profiles.ops]\nP = { description = \"p\", prompt = true }\n",
    },
    // ([L] `Profile 'ops': Secret 'P': `` `prompt = true` secrets must be individually required … ``)
    expect: [
      { severity: 'error', code: 'prompt-not-required', message: "Profile 'ops': Secret 'P': `prompt = true` secrets must be individually required; omit `required` or set `required = true`", at: "required = false" },
    ],
  },
  {
    id: 'T45',
    title: "ephemeral prompt",
    files: {
      "secretspec.toml": H + "[profiles.default]\nDEPLOY_PASSWORD = { description = \"one-time\", required = true, prompt = true, providers = [\"null\"] }\n",
    },
    expect: [],
  },
  {
    id: 'T46',
    title: "valid composition",
    files: {
      "secretspec.toml": H + "[profiles.default]\nUSER = { description = \"u\" }\nHOST = { description = \"h\" }\nAUTH = { description = \"auth\", composed = \"${USER}@${HOST}\" }\nDSN = { description = \"dsn\", composed = \"pg://${AUTH}/app?x=$$1&re=a{2,4}\" }\n",
    },
    expect: [],
  },
  {
    id: 'T47',
    title: "unknown reference",
    files: {
      "secretspec.toml": H + "[profiles.default]\nDSN = { description = \"dsn\", composed = \"db://${AMBIENT}\" }\n",
    },
    // ([L] `` Profile 'default': Secret 'DSN': composed reference `${AMBIENT}` does not name a declared secret ``)
    expect: [
      { severity: 'error', code: 'composed-unknown-reference', message: "Profile 'default': Secret 'DSN': composed reference `${AMBIENT}` does not name a declared secret", at: "${AMBIENT}" },
    ],
  },
  {
    id: 'T48',
    title: "cycle",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", composed = \"${B}\" }\nB = { description = \"b\", composed = \"${C}\" }\nC = { description = \"c\", composed = \"${A}\" }\n",
    },
    // ([L] `Profile 'default': composed secret cycle: A -> B -> C -> A`)
    expect: [
      { severity: 'error', code: 'composed-cycle', message: "Profile 'default': composed secret cycle: A -> B -> C -> A", at: "${A}" },
    ],
  },
  {
    id: 'T49',
    title: "self-reference",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", composed = \"x${A}\" }\n",
    },
    // ([L] `Profile 'default': composed secret cycle: A -> A`)
    expect: [
      { severity: 'error', code: 'composed-cycle', message: "Profile 'default': composed secret cycle: A -> A", at: "${A}" },
    ],
  },
  {
    id: 'T50',
    title: "shell operator",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nBAD = { description = \"bad\", composed = \"${A:-fallback}\" }\n",
    },
    // ([L] `` … invalid composed reference `${A:-fallback}`; names must match `[A-Z][A-Z0-9_]*` ``)
    expect: [
      { severity: 'error', code: 'composed-template', message: "Profile 'default': Secret 'BAD': invalid composed reference `${A:-fallback}`; names must match `[A-Z][A-Z0-9_]*`", at: "${A:-fallback}" },
    ],
  },
  {
    id: 'T51',
    title: "lowercase reference to a lowercase secret",
    files: {
      "secretspec.toml": H + "[profiles.default]\ndb = { description = \"d\" }\nDSN = { description = \"dsn\", composed = \"${db}\" }\n",
    },
    // ([L] `` … invalid composed reference `${db}` … ``)
    expect: [
      { severity: 'error', code: 'composed-template', message: "Profile 'default': Secret 'DSN': invalid composed reference `${db}`; names must match `[A-Z][A-Z0-9_]*`", at: "${db}" },
    ],
  },
  {
    id: 'T52',
    title: "unclosed reference",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nBAD = { description = \"b\", composed = \"x${A\" }\n",
    },
    // ([L] `` … unclosed `${` in composed template; references use `${UPPERCASE_NAME}` ``)
    expect: [
      { severity: 'error', code: 'composed-template', message: "Profile 'default': Secret 'BAD': unclosed `${` in composed template; references use `${UPPERCASE_NAME}`", at: "${A" },
    ],
  },
  {
    id: 'T53',
    title: "nested brace",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nBAD = { description = \"b\", composed = \"${A${A}}\" }\n",
    },
    // ([L] `` … nested `{` in a composed reference; … ``)
    expect: [
      { severity: 'error', code: 'composed-template', message: "Profile 'default': Secret 'BAD': nested `{` in a composed reference; references use `${UPPERCASE_NAME}`", at: "${A${" },
    ],
  },
  {
    id: 'T54',
    title: "no reference",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nLIT = { description = \"l\", composed = \"$${A}\" }\n",
    },
    // ([L] `… a composed template must reference at least one declared secret`)
    expect: [
      { severity: 'error', code: 'composed-template', message: "Profile 'default': Secret 'LIT': a composed template must reference at least one declared secret", at: "$${A}" },
    ],
  },
  {
    id: 'T55',
    title: "composed with providers",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nBAD = { description = \"b\", composed = \"${A}\", providers = [\"keyring\"] }\n",
    },
    // ([L] `` … `composed` secrets cannot also set `default`, `providers`, `ref`, `refs`, `encoding`, `extract`, `type`, enabled `generate`, or `prompt = true` ``)
    expect: [
      { severity: 'error', code: 'composed-conflict', message: "Profile 'default': Secret 'BAD': `composed` secrets cannot also set `default`, `providers`, `ref`, `refs`, `encoding`, `extract`, `type`, enabled `generate`, or `prompt = true`", at: "providers" },
    ],
  },
  {
    id: 'T56',
    title: "composed with as_path and required=false",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nF = { description = \"f\", composed = \"${A}\", as_path = true, required = false }\n",
    },
    expect: [],
  },
  {
    id: 'T57',
    title: "override changes the template / adds a default",
    files: {
      "secretspec.toml": H + "[profiles.default]\nU = { description = \"u\" }\nURL = { description = \"url\", composed = \"pg://${U}/app\" }\n[profiles.development]\nURL = { composed = \"pg://${U}/app_dev\" }\n[profiles.production]\nURL = { default = \"pg://x\" }\n",
    },
    // (`development` is valid; `production` fails [L] `Profile 'production': Secret 'URL': `composed` secrets cannot also set …`)
    expect: [
      { severity: 'error', code: 'composed-conflict', message: "Profile 'production': Secret 'URL': `composed` secrets cannot also set `default`, `providers`, `ref`, `refs`, `encoding`, `extract`, `type`, enabled `generate`, or `prompt = true`", at: "default" },
    ],
  },
  {
    id: 'T58',
    title: "composed ignores profile storage defaults",
    files: {
      "secretspec.toml": H + "[profiles.default]\nPART = { description = \"p\" }\nRESULT = { description = \"r\", composed = \"${PART}\" }\n[profiles.default.defaults]\ndefault = \"fallback\"\nproviders = [\"keyring\"]\n",
    },
    expect: [],
  },
  {
    id: 'T59',
    title: "string ref",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", ref = \"op://Production/db/password\" }\n",
    },
    // ([P] `` `ref` takes a table of coordinates, not a URI. Use: ref = { vault = "Production", item = "db", field = "password" } ``)
    expect: [
      { severity: 'error', code: 'ref-not-table', message: "`ref` takes a table of coordinates, not a URI. Use: ref = { vault = \"Production\", item = \"db\", field = \"password\" }", at: "\"op://Production/db/password\"" },
    ],
  },
  {
    id: 'T60',
    title: "ref with a typo",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", ref = { item = \"db\", filed = \"password\" } }\n",
    },
    // ([P] ``unknown field `filed`, expected one of `item`, `field`, `vault`, `section`, `version` ``)
    expect: [
      { severity: 'error', code: 'unknown-field', message: "unknown field `filed`, expected one of `item`, `field`, `vault`, `section`, `version`", at: "filed" },
    ],
  },
  {
    id: 'T61',
    title: "ref without item",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", ref = { field = \"password\" } }\n",
    },
    // ([P] ``missing field `item` ``)
    expect: [
      { severity: 'error', code: 'missing-field', message: "missing field `item`", at: "{ field = \"password\" }" },
    ],
  },
  {
    id: 'T62',
    title: "blank coordinate",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", ref = { item = \"db\", field = \"  \" } }\n",
    },
    // ([L] `` … `ref` coordinate `field` cannot be empty or whitespace ``)
    expect: [
      { severity: 'error', code: 'ref-blank-coordinate', message: "Profile 'default': Secret 'A': `ref` coordinate `field` cannot be empty or whitespace", at: "\"  \"" },
    ],
  },
  {
    id: 'T63',
    title: "ref and refs on one entry",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", ref = { item = \"x\" }, refs = { remote = { item = \"y\" } } }\n",
    },
    // ([P] `` `ref` and `refs` cannot both be set; use `refs` for provider-scoped addresses or keep the legacy route-wide `ref` ``)
    expect: [
      { severity: 'error', code: 'ref-and-refs', message: "`ref` and `refs` cannot both be set; use `refs` for provider-scoped addresses or keep the legacy route-wide `ref`", at: "refs" },
      { severity: 'warning', code: 'refs-undefined-alias', message: "Secret 'A' defines `refs.remote`, but provider alias 'remote' is not defined", at: "remote" },
    ],
  },
  {
    id: 'T64',
    title: "ref in default, refs in production",
    files: {
      "secretspec.toml": H + "[providers]\nprod = \"onepassword://Production\"\n[profiles.default]\nK = { description = \"k\", ref = { item = \"shared\", field = \"token\" } }\n[profiles.production]\nK = { providers = [\"prod\"], refs = { prod = { item = \"prod-api\", field = \"credential\" } } }\n",
    },
    expect: [],
  },
  {
    id: 'T65',
    title: "empty refs",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", refs = {} }\n",
    },
    // ([L] `` … `refs` must name at least one provider alias ``)
    expect: [
      { severity: 'error', code: 'refs-empty', message: "Profile 'default': Secret 'A': `refs` must name at least one provider alias", at: "{}" },
    ],
  },
  {
    id: 'T66',
    title: "refs naming an unknown alias",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", refs = { ghost = { item = \"x\" } } }\n",
    },
    // (loads; [R] ``Secret 'A' defines `refs.ghost`, but provider alias 'ghost' is not defined``; LSP: warning, since a user-global alias may exist)
    expect: [
      { severity: 'warning', code: 'refs-undefined-alias', message: "Secret 'A' defines `refs.ghost`, but provider alias 'ghost' is not defined", at: "ghost" },
    ],
  },
  {
    id: 'T67',
    title: "refs naming a cached alias",
    files: {
      "secretspec.toml": H + "[providers]\nsrc = \"akv://v\"\nlocal = \"keyring://\"\nroute = { fallback = [\"src\"], cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"route\"], refs = { route = { item = \"x\" } } }\n",
    },
    // (loads; [R] ``Secret 'A' defines `refs.route`, but 'route' is a cached route; scoped refs must name leaf provider aliases``)
    expect: [
      { severity: 'warning', code: 'refs-cached-alias', message: "Secret 'A' defines `refs.route`, but 'route' is a cached route; scoped refs must name leaf provider aliases", at: "route" },
    ],
  },
  {
    id: 'T68',
    title: "bad encoding",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", encoding = \"rot13\" }\n",
    },
    // ([P] ``unknown variant `rot13`, expected one of `base64`, `base64url`, `hex` ``)
    expect: [
      { severity: 'error', code: 'invalid-encoding', message: "unknown variant `rot13`, expected one of `base64`, `base64url`, `hex`", at: "\"rot13\"" },
    ],
  },
  {
    id: 'T69',
    title: "bad extract format",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", extract = { format = \"yaml\", pointer = \"/x\" } }\n",
    },
    // ([P] ``unknown variant `yaml`, expected `json` or `ini` ``)
    expect: [
      { severity: 'error', code: 'invalid-extract-format', message: "unknown variant `yaml`, expected `json` or `ini`", at: "\"yaml\"" },
    ],
  },
  {
    id: 'T70',
    title: "extract unknown key",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", extract = { format = \"json\", pointer = \"/x\", unknown = true } }\n",
    },
    // ([P] ``unknown field `unknown`, expected `format` or `pointer` ``)
    expect: [
      { severity: 'error', code: 'unknown-field', message: "unknown field `unknown`, expected `format` or `pointer`", at: "unknown" },
    ],
  },
  {
    id: 'T71',
    title: "JSON pointer without a leading slash",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", extract = { format = \"json\", pointer = \"database/password\" } }\n",
    },
    // ([L] `` … `extract.pointer` must be empty or start with `/` (RFC 6901) ``)
    expect: [
      { severity: 'error', code: 'invalid-extract-pointer', message: "Profile 'default': Secret 'A': `extract.pointer` must be empty or start with `/` (RFC 6901)", at: "\"database/password\"" },
    ],
  },
  {
    id: 'T72',
    title: "bad tilde escape",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", extract = { format = \"json\", pointer = \"/bad~2x\" } }\n",
    },
    // ([L] `` … `extract.pointer` has an invalid `~` escape at byte 4; use `~0` for `~` or `~1` for `/` ``)
    expect: [
      { severity: 'error', code: 'invalid-extract-pointer', message: "Profile 'default': Secret 'A': `extract.pointer` has an invalid `~` escape at byte 4; use `~0` for `~` or `~1` for `/`", at: "\"/bad~2x\"" },
    ],
  },
  {
    id: 'T73',
    title: "INI pointer too deep",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", extract = { format = \"ini\", pointer = \"/db/password/extra\" } }\n",
    },
    // ([L] `` … `extract.pointer` for INI must be `/key` for an unsectioned key or `/section/key` for a named section ``; the same for `""`, `"/"`, `"//k"`, `"/s/"`)
    expect: [
      { severity: 'error', code: 'invalid-extract-pointer', message: "Profile 'default': Secret 'A': `extract.pointer` for INI must be `/key` for an unsectioned key or `/section/key` for a named section", at: "\"/db/password/extra\"" },
    ],
  },
  {
    id: 'T74',
    title: "valid pointers",
    files: {
      "secretspec.toml": H + "[profiles.default]\nJ = { description = \"j\", extract = { format = \"json\", pointer = \"\" } }\nK = { description = \"k\", extract = { format = \"json\", pointer = \"/a~1b/~0key\" } }\nI = { description = \"i\", extract = { format = \"ini\", pointer = \"/DEFAULT/key\" } }\n",
    },
    expect: [],
  },
  {
    id: 'T75',
    title: "extract with generate",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", type = \"password\", generate = true, extract = { format = \"json\", pointer = \"/p\" } }\n",
    },
    // ([L] `` … `extract` cannot be combined with enabled `generate`; extracted secrets are read-only ``)
    expect: [
      { severity: 'error', code: 'extract-with-generate', message: "Profile 'default': Secret 'A': `extract` cannot be combined with enabled `generate`; extracted secrets are read-only", at: "generate" },
    ],
  },
  {
    id: 'T76',
    title: "empty inheriting profile",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[profiles.production]\n",
    },
    expect: [],
  },
  {
    id: 'T77',
    title: "empty standalone profile",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[profiles.deployment.defaults]\ninherit = false\n[profiles.deployment]\n",
    },
    // ([L] `Profile 'deployment': Profile must define at least one secret`)
    expect: [
      { severity: 'error', code: 'empty-profile', message: "Profile 'deployment': Profile must define at least one secret", at: "deployment" },
    ],
  },
  {
    id: 'T78',
    title: "standalone profile doesn't inherit the description",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[profiles.deployment.defaults]\ninherit = false\n[profiles.deployment]\nA = { required = true }\n",
    },
    // ([L] `Profile 'deployment': Secret 'A': missing description`)
    expect: [
      { severity: 'error', code: 'missing-description', message: "Profile 'deployment': Secret 'A': missing description", at: "A" },
    ],
  },
  {
    id: 'T79',
    title: "no default profile",
    files: {
      "secretspec.toml": H + "[profiles.production]\nA = { description = \"a\" }\n",
    },
    expect: [],
  },
  {
    id: 'T80',
    title: "required table in profile defaults",
    files: {
      "secretspec.toml": H + "[profiles.default.defaults]\nrequired = { at_least_one = \"g\" }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``invalid type: map, expected a boolean`` at `profiles.default.defaults.required`)
    expect: [
      { severity: 'error', code: 'invalid-type', message: "invalid type: map, expected a boolean", at: "{ at_least_one = \"g\" }" },
    ],
  },
  {
    id: 'T81',
    title: "`defaults` as a would-be secret",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\ndefaults = { description = \"not a secret\" }\n",
    },
    expect: [
      { severity: 'warning', code: 'defaults-reserved', message: "`defaults` is reserved for profile defaults, so this is not a secret: SecretSpec ignores `description` here. Rename the secret.", at: "defaults" },
    ],
  },
  {
    id: 'T82',
    title: "empty scope",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.api]\nsecrets = []\n",
    },
    // ([L] `Scope 'api' lists no secrets; a scope must name at least one`)
    expect: [
      { severity: 'error', code: 'scope-empty', message: "Scope 'api' lists no secrets; a scope must name at least one", at: "[]" },
    ],
  },
  {
    id: 'T83',
    title: "duplicate scope member",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.api]\nsecrets = [\"A\", \"A\"]\n",
    },
    // ([L] `Scope 'api' lists secret 'A' more than once`)
    expect: [
      { severity: 'error', code: 'scope-duplicate-entry', message: "Scope 'api' lists secret 'A' more than once", at: "\"A\"" },
    ],
  },
  {
    id: 'T84',
    title: "blank scope member",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.api]\nsecrets = [\"A\", \"  \"]\n",
    },
    // ([L] `Scope 'api' lists an empty secret name`)
    expect: [
      { severity: 'error', code: 'scope-blank-entry', message: "Scope 'api' lists an empty secret name", at: "\"  \"" },
    ],
  },
  {
    id: 'T85',
    title: "undeclared scope member",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.api]\nsecrets = [\"A\", \"TYPO\"]\n",
    },
    // ([L] `Scope 'api' references secret 'TYPO', which is not declared in any profile`)
    expect: [
      { severity: 'error', code: 'scope-unknown-secret', message: "Scope 'api' references secret 'TYPO', which is not declared in any profile", at: "\"TYPO\"" },
    ],
  },
  {
    id: 'T86',
    title: "blank scope name",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.\"\"]\nsecrets = [\"A\"]\n",
    },
    // ([L] `Scope names cannot be empty`)
    expect: [
      { severity: 'error', code: 'scope-blank-name', message: "Scope names cannot be empty", at: "\"\"" },
    ],
  },
  {
    id: 'T87',
    title: "scope without `secrets`",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\n[scopes.api]\nmembers = [\"A\"]\n",
    },
    // ([P] ``missing field `secrets` `` at `scopes.api`)
    expect: [
      { severity: 'information', code: 'ignored-key', message: '`members`', at: 'members' },
      { severity: 'error', code: 'missing-field', message: "missing field `secrets`", at: "api" },
    ],
  },
  {
    id: 'T88',
    title: "scope member declared only in another profile",
    files: {
      "secretspec.toml": H + "[profiles.default]\nDB = { description = \"db\" }\n[profiles.production]\nSENTRY = { description = \"s\" }\n[scopes.obs]\nsecrets = [\"SENTRY\"]\n",
    },
    expect: [],
  },
  {
    id: 'T89',
    title: "alias table with an unknown key",
    files: {
      "secretspec.toml": H + "[providers]\nbws = { uri = \"bws://proj\", oops = \"x\" }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``unknown field `oops`, expected one of `uri`, `credentials`, `ref`, `fallback`, `cache` ``)
    expect: [
      { severity: 'error', code: 'unknown-field', message: "unknown field `oops`, expected one of `uri`, `credentials`, `ref`, `fallback`, `cache`", at: "oops" },
    ],
  },
  {
    id: 'T90',
    title: "uri and fallback together",
    files: {
      "secretspec.toml": H + "[providers]\np = { uri = \"env://\", fallback = [\"x\"], cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a provider alias must use either { uri, credentials, ref, cache } or { fallback, cache }, not both`)
    expect: [
      { severity: 'error', code: 'alias-uri-and-fallback', message: "a provider alias must use either { uri, credentials, ref, cache } or { fallback, cache }, not both", at: "fallback" },
    ],
  },
  {
    id: 'T91',
    title: "fallback without cache",
    files: {
      "secretspec.toml": H + "[providers]\np = { fallback = [\"azure\"] }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a cached provider alias with fallback also requires cache`)
    expect: [
      { severity: 'error', code: 'alias-fallback-without-cache', message: "a cached provider alias with fallback also requires cache", at: "fallback" },
    ],
  },
  {
    id: 'T92',
    title: "cache alone",
    files: {
      "secretspec.toml": H + "[providers]\np = { cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a cached provider alias with cache also requires uri or fallback`)
    expect: [
      { severity: 'error', code: 'alias-cache-without-source', message: "a cached provider alias with cache also requires uri or fallback", at: "cache" },
    ],
  },
  {
    id: 'T93',
    title: "credentials only",
    files: {
      "secretspec.toml": H + "[providers]\np = { credentials = { token = \"keyring\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a provider alias table requires uri or fallback plus cache`)
    expect: [
      { severity: 'error', code: 'alias-without-uri', message: "a provider alias table requires uri or fallback plus cache", at: "{ credentials = { token = \"keyring\" } }" },
    ],
  },
  {
    id: 'T94',
    title: "empty fallback",
    files: {
      "secretspec.toml": H + "[providers]\np = { fallback = [], cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a cached provider alias requires at least one non-empty fallback`)
    expect: [
      { severity: 'error', code: 'cached-alias-empty-fallback', message: "a cached provider alias requires at least one non-empty fallback", at: "[]" },
    ],
  },
  {
    id: 'T95',
    title: "max_age without a unit",
    files: {
      "secretspec.toml": H + "[providers]\np = { uri = \"akv://v\", cache = { provider = \"local\", max_age = \"3600\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `invalid cache max_age '3600'; every number needs a unit (s, m, h, d, or w)`)
    expect: [
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '3600'; every number needs a unit (s, m, h, d, or w)", at: "\"3600\"" },
    ],
  },
  {
    id: 'T96',
    title: "max_age with a space or upper case",
    files: {
      "secretspec.toml": H + "[providers]\np = { uri = \"akv://v\", cache = { provider = \"local\", max_age = \"8 hours\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `invalid cache max_age '8 hours'; supported units are s, m, h, d, and w`; `"0h"` gives `cache max_age must be greater than zero`; `"1h30m"` is valid)
    expect: [
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '8 hours'; supported units are s, m, h, d, and w", at: "\"8 hours\"" },
    ],
  },
  {
    id: 'T97',
    title: "blank cache provider",
    files: {
      "secretspec.toml": H + "[providers]\np = { fallback = [\"s\"], cache = { provider = \"\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `cache.provider must be a non-empty provider spec`)
    expect: [
      { severity: 'error', code: 'cache-provider-empty', message: "cache.provider must be a non-empty provider spec", at: "\"\"" },
    ],
  },
  {
    id: 'T98',
    title: "credentials on a fallback route",
    files: {
      "secretspec.toml": H + "[providers]\np = { fallback = [\"s\"], cache = { provider = \"local\", max_age = \"1h\" }, credentials = { token = \"env\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a cached provider alias cannot declare credentials; put credentials on its leaf fallback aliases`)
    expect: [
      { severity: 'error', code: 'cached-alias-credentials', message: "a cached provider alias cannot declare credentials; put credentials on its leaf fallback aliases", at: "credentials" },
    ],
  },
  {
    id: 'T99',
    title: "ref template on an inline cached alias",
    files: {
      "secretspec.toml": H + "[providers]\np = { uri = \"akv://v\", cache = { provider = \"local\", max_age = \"1h\" }, ref = { item = \"{key}\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `an inline cached provider alias cannot declare a ref template`)
    expect: [
      { severity: 'error', code: 'inline-cached-alias-ref', message: "an inline cached provider alias cannot declare a ref template", at: "ref" },
    ],
  },
  {
    id: 'T100',
    title: "ref template on a fallback route",
    files: {
      "secretspec.toml": H + "[providers]\nroute = { fallback = [\"remote\"], cache = { provider = \"local\", max_age = \"1h\" }, ref = { item = \"{key}\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `a cached provider alias cannot declare a ref template; put templates on its leaf aliases`)
    expect: [
      { severity: 'error', code: 'cached-alias-ref', message: "a cached provider alias cannot declare a ref template; put templates on its leaf aliases", at: "ref" },
    ],
  },
  {
    id: 'T101',
    title: "unknown template placeholder",
    files: {
      "secretspec.toml": H + "[providers]\nop = { uri = \"onepassword://Production\", ref = { item = \"{secret}\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``invalid provider ref template coordinate `item`: unknown placeholder `{secret}` in template '{secret}'; expected {project}, {profile}, or {key}``)
    expect: [
      { severity: 'error', code: 'invalid-ref-template', message: "invalid provider ref template coordinate `item`: unknown placeholder `{secret}` in template '{secret}'; expected {project}, {profile}, or {key}", at: "\"{secret}\"" },
    ],
  },
  {
    id: 'T102',
    title: "unmatched brace in a template",
    files: {
      "secretspec.toml": H + "[providers]\nop = { uri = \"onepassword://P\", ref = { item = \"x\", field = \"{key\" } }\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] ``invalid provider ref template coordinate `field`: template '{key' contains an unmatched `{` ``)
    expect: [
      { severity: 'error', code: 'invalid-ref-template', message: "invalid provider ref template coordinate `field`: template '{key' contains an unmatched `{`", at: "\"{key\"" },
    ],
  },
  {
    id: 'T103',
    title: "valid template and inline cache",
    files: {
      "secretspec.toml": H + "[providers]\nlocal = \"keyring://secretspec/cache/{project}/{profile}/{key}\"\nremote = { uri = \"onepassword://Production\", ref = { item = \"{project}-{profile}\", field = \"{key}\" } }\nazure = { uri = \"akv://team\", credentials = { client_secret = \"keyring\" }, cache = { provider = \"local\", max_age = \"8h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"remote\"] }\n",
    },
    expect: [],
  },
  {
    id: 'T104',
    title: "cached alias plus another entry",
    files: {
      "secretspec.toml": H + "[providers]\nazure = \"akv://v\"\nlocal = \"keyring://\"\nroute = { fallback = [\"azure\"], cache = { provider = \"local\", max_age = \"8h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"env\", \"route\"] }\n",
    },
    // (loads; [R] `cached provider alias 'route' is a complete route and cannot be combined with additional entries in a secret's providers list`)
    expect: [
      { severity: 'warning', code: 'cached-alias-in-chain', message: "cached provider alias 'route' is a complete route and cannot be combined with additional entries in a secret's providers list", at: "\"route\"" },
    ],
  },
  {
    id: 'T105',
    title: "cache that can't delete",
    files: {
      "secretspec.toml": H + "[providers]\nroute = { uri = \"akv://v\", cache = { provider = \"env://\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"route\"] }\n",
    },
    // (loads; [R] `cached provider alias 'route' caches into 'env://', which cannot delete secrets, so its entries could never be invalidated. Cache into one of: aac, age, dotenv, file, fly, gopass, keeper, keyring, openbao, pass, vault.`)
    expect: [
      { severity: 'warning', code: 'cache-not-deletable', message: "cached provider alias 'route' caches into 'env://', which cannot delete secrets, so its entries could never be invalidated. Cache into one of: aac, age, dotenv, file, fly, gopass, keeper, keyring, openbao, pass, vault.", at: "\"env://\"" },
    ],
  },
  {
    id: 'T106',
    title: "cache in the same store as its source",
    files: {
      "secretspec.toml": H + "[providers]\nroute = { fallback = [\"dotenv:.env\"], cache = { provider = \"dotenv://.env\", max_age = \"8h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"route\"] }\n",
    },
    // (loads; [R] `… caches into '…', which is also its authoritative source 'dotenv:.env'. A cache must be a distinct store, …`)
    expect: [
      { severity: 'warning', code: 'cache-same-store', message: "cached provider alias 'route' caches into 'dotenv://.env', which is also its authoritative source 'dotenv:.env'. A cache must be a distinct store, otherwise refreshing it overwrites the secret it caches.", at: "\"dotenv://.env\"" },
    ],
  },
  {
    id: 'T107',
    title: "nested cached alias",
    files: {
      "secretspec.toml": H + "[providers]\nlocal = \"keyring://\"\ninner = { uri = \"akv://v\", cache = { provider = \"local\", max_age = \"1h\" } }\nouter = { fallback = [\"inner\"], cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"outer\"] }\n",
    },
    // (loads; [R] `cached provider alias 'outer' cannot use cached alias 'inner' as a fallback or cache provider; cached aliases may contain only leaf providers`)
    expect: [
      { severity: 'warning', code: 'nested-cached-alias', message: "cached provider alias 'outer' cannot use cached alias 'inner' as a fallback or cache provider; cached aliases may contain only leaf providers", at: "\"inner\"" },
    ],
  },
  {
    id: 'T108',
    title: "unsupported credential name",
    files: {
      "secretspec.toml": H + "[providers]\nbws = { uri = \"bws://p\", credentials = { BWS_ACCESS_TOKEN = \"keyring\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"bws\"] }\n",
    },
    // (loads; [R] `credential 'BWS_ACCESS_TOKEN' is not supported by provider 'bws' for alias 'bws' (supported credentials: access_token)`)
    expect: [
      { severity: 'warning', code: 'invalid-host', message: "Invalid BWS project UUID 'p': expected a UUID such as a9230ec4-5507-4870-b8b5-b3f500587e4c", at: "\"bws://p\"" },
      { severity: 'warning', code: 'unsupported-credential', message: "credential 'BWS_ACCESS_TOKEN' is not supported by provider 'bws' for alias 'bws' (supported credentials: access_token)", at: "BWS_ACCESS_TOKEN" },
    ],
  },
  {
    id: 'T109',
    title: "two-hop credential chain",
    files: {
      "secretspec.toml": H + "[providers]\nchained = { uri = \"bws://a\", credentials = { access_token = \"keyring\" } }\nbws = { uri = \"bws://b\", credentials = { access_token = \"chained\" } }\n[profiles.default]\nA = { description = \"a\", providers = [\"bws\"] }\n",
    },
    // (loads; [R] `provider alias 'chained' cannot be a credential source for 'bws' because it declares its own credentials; credential chains are limited to one hop`)
    expect: [
      { severity: 'warning', code: 'invalid-host', message: "Invalid BWS project UUID 'a': expected a UUID such as a9230ec4-5507-4870-b8b5-b3f500587e4c", at: "\"bws://a\"" },
      { severity: 'warning', code: 'invalid-host', message: "Invalid BWS project UUID 'b': expected a UUID such as a9230ec4-5507-4870-b8b5-b3f500587e4c", at: "\"bws://b\"" },
      { severity: 'warning', code: 'credential-chain', message: "provider alias 'chained' cannot be a credential source for 'bws' because it declares its own credentials; credential chains are limited to one hop", at: "\"chained\"" },
    ],
  },
  {
    id: 'T110',
    title: "misspelled provider",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", providers = [\"1password://Prod\"] }\n",
    },
    // (loads; when the provider is built, [R]/[X]: `Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)`)
    expect: [
      { severity: 'warning', code: 'invalid-scheme-1password', message: "Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)", at: "\"1password://Prod\"" },
    ],
  },
  {
    id: 'T111',
    title: "undefined alias as chain head",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\", providers = [\"prod_vault\", \"keyring\"] }\n",
    },
    // (loads; [R] `Provider alias 'prod_vault' is not defined. Declare it in [providers] in secretspec.toml or in the global config.`; an undefined *later* entry only warns at read time)
    expect: [
      { severity: 'warning', code: 'undefined-alias', message: "Provider alias 'prod_vault' is not defined. Declare it in [providers] in secretspec.toml or in the global config.", at: "\"prod_vault\"" },
    ],
  },
  {
    id: 'T112',
    title: "bad require_reason string",
    files: {
      "secretspec.toml": H + "require_reason = \"always\"\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `invalid require_reason value 'always': expected true, false, or "agents"`)
    expect: [
      { severity: 'error', code: 'invalid-require-reason', message: "invalid require_reason value 'always': expected true, false, or \"agents\"", at: "\"always\"" },
    ],
  },
  {
    id: 'T113',
    title: "require_reason as integer",
    files: {
      "secretspec.toml": H + "require_reason = 1\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // ([P] `` invalid type: integer `1`, expected a boolean or the string "agents" ``)
    expect: [
      { severity: 'error', code: 'invalid-type', message: "invalid type: integer `1`, expected a boolean or the string \"agents\"", at: "1" },
    ],
  },
  {
    id: 'T114',
    title: "missing extends target",
    files: {
      "secretspec.toml": H + "extends = [\"../nonexistent\"]\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // (`Extended config file not found: <dir>/../nonexistent/secretspec.toml`)
    expect: [
      { severity: 'error', code: 'extends-not-found', message: "root/../nonexistent/secretspec.toml", at: "\"../nonexistent\"" },
    ],
  },
  {
    id: 'T115',
    title: "self-extension",
    files: {
      "secretspec.toml": H + "extends = [\".\"]\n[profiles.default]\nA = { description = \"a\" }\n",
    },
    // (cycle: `… Configuration file <abs>/secretspec.toml is part of a circular dependency chain`)
    expect: [
      { severity: 'error', code: 'extends-cycle', message: "root/secretspec.toml is part of a circular dependency chain", at: "\".\"" },
    ],
  },
  {
    id: 'T116',
    title: "mutual extends",
    files: {
      "a/secretspec.toml": "[project]\nname = \"a\"\nrevision = \"1.0\"\nextends = [\"../b\"]\n[profiles.default]\nA = { description = \"a\" }\n",
      "b/secretspec.toml": "[project]\nname = \"b\"\nrevision = \"1.0\"\nextends = [\"../a\"]\n[profiles.default]\nB = { description = \"b\" }\n",
    },
    // (cycle, reported on `a/secretspec.toml` when loading `a`)
    expect: [
      { severity: 'error', code: 'extends-cycle', message: "root/a/secretspec.toml is part of a circular dependency chain", at: "\"../b\"" },
    ],
  },
  {
    id: 'T117',
    title: "parent with a bad revision",
    files: {
      "old/secretspec.toml": "[project]\nname = \"old\"\nrevision = \"0.9\"\n[profiles.default]\nO = { description = \"o\" }\n",
      "secretspec.toml": "[project]\nname = \"new\"\nrevision = \"1.0\"\nextends = [\"./old\"]\n[profiles.default]\nN = { description = \"n\" }\n",
    },
    // (`Unsupported … '0.9' …` even though the root is fine)
    expect: [
      { severity: 'error', code: 'extends-parent-error', message: "root/./old/secretspec.toml:3:1: Unsupported secretspec revision '0.9'. This version of secretspec only supports revision '1.0'", at: "\"./old\"" },
    ],
  },
  {
    id: 'T118',
    title: "child replaces a parent secret whole",
    files: {
      "shared/secretspec.toml": "[project]\nname = \"shared\"\nrevision = \"1.0\"\n[profiles.default]\nAPI_KEY = { description = \"API key\", required = true }\n",
      "app/secretspec.toml": H + "extends = [\"../shared\"]\n[profiles.default]\nAPI_KEY = { required = false }\n",
    },
    // ([L] `Profile 'default': Secret 'API_KEY': missing description`)
    expect: [
      { severity: 'error', code: 'missing-description', message: "Profile 'default': Secret 'API_KEY': missing description", at: "API_KEY" },
    ],
  },
  {
    id: 'T119',
    title: "child scope replaces parent scope",
    files: {
      "base/secretspec.toml": "[project]\nname = \"base\"\nrevision = \"1.0\"\n[profiles.default]\nA = { description = \"a\" }\nB = { description = \"b\" }\n[scopes.api]\nsecrets = [\"A\"]\n",
      "app/secretspec.toml": H + "extends = [\"../base\"]\n[profiles.production]\n[scopes.api]\nsecrets = [\"B\"]\n",
    },
    expect: [],
  },
  {
    id: 'T120',
    title: "duplicate secret key",
    files: {
      "secretspec.toml": H + "[profiles.default]\nA = { description = \"a\" }\nA = { description = \"again\" }\n",
    },
    // (TOML syntax error, a duplicate key `A`)
    expect: [
      { severity: 'error', code: 'toml-syntax', message: "TOML parsing error: trying to redefine an already defined table or value", at: "A" },
    ],
  },
  {
    id: 'T121',
    title: "`.toml` extends path and parent without secrets in a profile",
    files: {
      "../shared/base.toml": "[project]\nname = \"base\"\nrevision = \"1.0\"\n[profiles.default]\nSHARED = { description = \"s\" }\n",
      "secretspec.toml": H + "extends = [\"../shared/base.toml\"]\n[profiles.production]\n",
    },
    expect: [],
  },
];
