package main

import (
	"context"
	"strings"

	"fugong/internal/msg"
)

// The messages of the command line (see internal/msg), printed in the
// operator's language (cliLang).
var (
	msgTitle            = msg.New("cli.title", "fugong — 复工备案审查平台", "fugong — back-to-work filing portal")
	msgFrequentShingles = msg.New("cli.frequent_shingles", "高频套话片段：%d 个", "frequent boilerplate: %d shingles")
	msgTemplateAdded    = msg.New("cli.template_added", "已登记模板 %d %q（%d 字）", "added template %d %q (%d characters)")
	msgReindexed        = msg.New("cli.reindexed", "已重建 %d 份方案的索引，用时 %v", "reindexed %d plans in %v")
	msgRegistryRow      = msg.New("cli.registry_row", "  第 %d 行，%s：%s", "  row %d, %s: %s")
	msgNothingWritten   = msg.New("cli.nothing_written", "%d 处错误，未写入任何数据", "%d problems, nothing written")
	msgRegistryImported = msg.New("cli.registry_imported", "企业名录已导入：新增 %d，更新 %d，未变 %d", "registry imported: created %d, updated %d, unchanged %d")
	msgRegistryDryRun   = msg.New("cli.registry_dry_run", "企业名录试导入（未写入）：新增 %d，更新 %d，未变 %d", "registry dry run (nothing written): created %d, updated %d, unchanged %d")
	msgRulesCompiled    = msg.New("cli.rules_compiled", "规则集 %s：%d 条规则，编译通过（%s）", "ruleset %s: %d rules compiled (%s)")
	msgRulesCases       = msg.New("cli.rules_cases", "规则集 %s（%s），用例 %s", "ruleset %s (%s), cases %s")
	msgCasesFailed      = msg.New("cli.cases_failed", "%d 个规则测试用例未通过", "%d rule test case(s) failed")
	msgNoCases          = msg.New("cli.no_cases", "%s 中没有测试用例", "no test cases in %s")
	msgSeedSkipped      = msg.New("cli.seed_skipped", "演示数据：数据库已有数据，未导入", "seed demo: the database already holds data; nothing added")
	msgSeedEnterprises  = msg.New("cli.seed_enterprises", "演示数据：已导入 %d 家企业", "seed demo: %d enterprises in the registry")
	msgSeedAccounts     = msg.New("cli.seed_accounts", "演示账号（密码 %s）：", "demo accounts (password %s):")
	msgSeedDaily        = msg.New("cli.seed_daily", "演示数据：近 %d 天每日报告 %d 份（迟报 %d，未报 %d，更正 %d，发热 %d，口罩不足 %d）", "seed demo: %d days of daily reports, %d in all (%d late, %d missing, %d corrected, %d with fever, %d short of masks)")
)

// cliLang is the operator's language: FUGONG_LANG, else the locale
// (LC_ALL, LC_MESSAGES, LANG); English for an English locale, Chinese
// otherwise (the default, as in the API).
func cliLang(getenv func(string) string) msg.Lang {
	for _, k := range []string{"FUGONG_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := strings.ToLower(getenv(k)); v != "" {
			if strings.HasPrefix(v, "en") {
				return msg.EN
			}
			return msg.ZH
		}
	}
	return msg.ZH
}

type langKey struct{}

// withLang carries the operator's language to the commands.
func withLang(ctx context.Context, l msg.Lang) context.Context {
	return context.WithValue(ctx, langKey{}, l)
}

// langOf is the operator's language carried by ctx (Chinese when none).
func langOf(ctx context.Context) msg.Lang {
	if l, ok := ctx.Value(langKey{}).(msg.Lang); ok {
		return l
	}
	return msg.ZH
}

// The message of fugong report rebuild.
var msgTimelineRebuilt = msg.New("cli.timeline_rebuilt", "已重建 %d 家企业的状态时间线", "timeline rebuilt: %d enterprises")
