// The UI's two languages. 中文 is the default; the choice is kept in
// localStorage and sent to the API as Accept-Language, so the server renders
// its messages (internal/msg) in the same language.
import { ref } from 'vue';

export type Lang = 'zh-CN' | 'en';

const KEY = 'fugong.lang';

function initial(): Lang {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const lang = ref<Lang>(initial());

export function setLang(l: Lang): void {
  lang.value = l;
  try {
    globalThis.localStorage?.setItem(KEY, l);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

/** t picks the text of the current language. */
export function t(zh: string, en: string): string {
  return lang.value === 'en' ? en : zh;
}

/** colon is the label separator of the current language (「：」 or ": "). */
export function colon(): string {
  return lang.value === 'en' ? ': ' : '：';
}

const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/**
 * splitBilingual splits an old-style server message "中文 / English" (the
 * Chinese part holds CJK text, the English part follows " / "). Messages from
 * the catalog are in one language and come back unsplit (null). English
 * parts may start with a digit ("3 rows …") or a quote.
 */
export function splitBilingual(s: string): { zh: string; en: string } | null {
  // The last "/" (space after it, any before) whose left side has CJK and
  // whose right side has none: a Chinese text may itself contain " / "
  // (e.g. "CSV / XLSX"), and 「…（上限 10 MB）/ …」 has no space before it.
  const seps = [...s.matchAll(/\s*\/\s+/g)].reverse();
  for (const m of seps) {
    const at = m.index ?? 0;
    const zh = s.slice(0, at).trim();
    const en = s.slice(at + m[0].length).trim();
    if (CJK.test(zh) && en !== '' && !CJK.test(en) && /[A-Za-z]/.test(en)) return { zh, en };
  }
  // "internal error / 服务器内部错误": English first.
  const m = s.match(/^([^\u3000-\u9fff]*[A-Za-z][^\u3000-\u9fff]*?)\s+\/\s+(.*[\u3000-\u9fff].*)$/);
  if (m) return { zh: m[2].trim(), en: m[1].trim() };
  return null;
}

/** localMsg shows a server message in the current language, whatever its form. */
export function localMsg(s: string | null | undefined, l: Lang = lang.value): string {
  const text = s == null ? '' : String(s);
  const parts = splitBilingual(text);
  if (!parts) return text;
  return l === 'en' ? parts.en : parts.zh;
}
