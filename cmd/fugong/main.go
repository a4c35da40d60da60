// Command fugong is the whole fugong service in one binary:
//
//	fugong serve [--config FILE] [--log-format text|json]
//	fugong migrate
//	fugong seed demo
//	fugong registry import FILE [--dry-run]
//	fugong report rebuild
//	fugong rules check|test, fugong plans template add|refresh
//	fugong user create --role ROLE --username U --password P [--street S] [--enterprise CODE]
//	fugong audit verify
//	fugong objects reencrypt
//	fugong version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"fugong/internal/buildinfo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// globalFlags are accepted before or after the command name.
type globalFlags struct {
	config    string
	logFormat string
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", "", "configuration file loaded over the embedded defaults")
	fs.StringVar(&g.logFormat, "log-format", "", "log format: text or json (overrides log.format)")
}

const usage = `
usage:
  fugong serve   [--config FILE] [--log-format text|json]   run the HTTP server
  fugong migrate [--config FILE]                            apply database migrations
  fugong seed demo [--config FILE]                          load the demo data set (only into an empty database)
  fugong registry import FILE [--dry-run]                   import the enterprise registry (CSV or XLSX)
  fugong report rebuild [--config FILE]                     recompute the dashboards' status timeline from the filings
  fugong user create --role ROLE --username U --password P [--street S] [--enterprise CODE]
  fugong user disable|enable --username U                   revoke (every session ends, every API token is revoked) or restore an account
  fugong user tokens --username U                           list an account's API tokens
  fugong user revoke-token --username U (--id N | --all)    revoke API tokens
  fugong rules check|test [--dir DIR] [--testdata DIR]      compile the rule files, or run their test cases
  fugong plans template add --name NAME FILE | refresh     register a plan template / relearn boilerplate, then reindex
  fugong audit verify                                       check the audit chain and its signed checkpoints (exit 1 if broken)
  fugong objects reencrypt                                  seal every stored object under the current data key (after a rotation)
  fugong version
`

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	lang := cliLang(getenv)
	ctx = withLang(ctx, lang)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, msgTitle.In(lang)+"\n"+usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = cmdServe(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		err = cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "seed":
		err = cmdSeed(ctx, rest, stdout, stderr, getenv)
	case "registry":
		err = cmdRegistry(ctx, rest, stdout, stderr, getenv)
	case "report":
		err = cmdReport(ctx, rest, stdout, stderr, getenv)
	case "user":
		err = cmdUser(ctx, rest, stdout, stderr, getenv)
	case "rules":
		err = cmdRules(ctx, rest, stdout, stderr, getenv)
	case "plans":
		err = cmdPlans(ctx, rest, stdout, stderr, getenv)
	case "audit":
		err = cmdAudit(ctx, rest, stdout, stderr, getenv)
	case "objects":
		err = cmdObjects(ctx, rest, stdout, stderr, getenv)
	case "version":
		fmt.Fprintln(stdout, "fugong", buildinfo.Version())
	default:
		fmt.Fprintf(stderr, "fugong: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "fugong: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "fugong: %v\n", err)
		return 1
	}
	return 0
}

// usageError is a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }
