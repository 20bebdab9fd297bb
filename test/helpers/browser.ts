/**
 * A real headless Chromium (Debian's `chromium`, driven by playwright-core; never a downloaded
 * browser) for the HTML report. Page errors, console errors and any request that leaves the
 * page's own file are collected, so a test can require there were none.
 */
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught exceptions and console errors, in order. */
  errors: string[];
  /** Every URL the page asked for other than the file itself. */
  requests: string[];
}

/** Open a local HTML file and wait for its script to say it is ready (`body[data-ready]`). */
export async function openFile(browser: Browser, file: string, viewport = { width: 1100, height: 900 }): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = new URL(`file://${file}`).href;
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
  return { page, errors, requests };
}
