"""Layout checks measured in a real browser: words broken across lines outside people's text, and
tap targets smaller than 44 × 44 CSS pixels on a phone. Both run as one script in the page and
return what they found, so a failure names the page, the word or the control.

What counts (WCAG 2.5.5, Target Size): every link, button, field, select, summary and the label
of every checkbox or radio. A link inside running text (a sentence of a paragraph or list item)
is exempt, as WCAG exempts inline targets. Words: runs of two or more Latin letters or digits in
visible text outside note bodies, quotes of notes, report comments and deletion tokens (people's
text may break anywhere; interface text may not)."""

from __future__ import annotations

from playwright.sync_api import Page

TAP_MIN = 44
PEOPLES_TEXT = (
    ".note .body, details.cw summary, .answers, blockquote, .token, .excerpt, q, code.copy"
)

MID_WORD_SCRIPT = """
(exempt) => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const word = /[A-Za-z0-9\\u00C0-\\u024F]{2,}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(exempt)) continue;
    if (parent.closest('script, style, svg, [hidden]')) continue;
    // Text for screen readers only (clipped to a pixel) is not laid out for reading.
    const box = parent.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) continue;
    const text = node.textContent;
    for (const match of text.matchAll(word)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set();
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) lines.add(Math.round(rect.top));
      }
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}
"""

TAP_SCRIPT = """
(minimum) => {
  const small = [];
  const visible = (el) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const hidden = '.visually-hidden, [hidden], details:not([open]) > :not(summary)';
    return rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden'
      && rect.right > 0 && !el.closest(hidden);
  };
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.closest('p, li, dd, figcaption');
    if (!block) return false;
    // Words around it that belong to no other control: the link is part of a sentence.
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let words = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest('a, button, select, option, input, label, code')) {
        words += node.textContent;
      }
    }
    return words.replace(/[\\s·,.:;()]+/g, '').length >= 3;
  };
  const name = (el) => (el.getAttribute('aria-label') || el.textContent || el.value || el.id
    || el.name || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 60);
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, code.copy[tabindex]');
  for (const el of targets) {
    if (!visible(el) || el.classList.contains('skip')) continue;
    let rect = el.getBoundingClientRect();
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.closest('label')
        || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const l = label.getBoundingClientRect();
        const top = Math.min(rect.top, l.top), bottom = Math.max(rect.bottom, l.bottom);
        const left = Math.min(rect.left, l.left), right = Math.max(rect.right, l.right);
        rect = {width: right - left, height: bottom - top};
      }
    } else if (el.tagName === 'A' && inSentence(el)) {
      continue;
    }
    if (rect.width < minimum - 0.5 || rect.height < minimum - 0.5) {
      const size = `${Math.round(rect.width)}x${Math.round(rect.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name(el)}" ${size}`);
    }
  }
  return small;
}
"""


def words_broken_mid_word(page: Page) -> list[str]:
    """Words of interface text that the layout split across two lines."""
    return list(page.evaluate(MID_WORD_SCRIPT, PEOPLES_TEXT))


def small_tap_targets(page: Page, minimum: int = TAP_MIN) -> list[str]:
    """Controls and stand-alone links smaller than `minimum` CSS pixels either way."""
    return list(page.evaluate(TAP_SCRIPT, minimum))


def scrolls_sideways(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )
