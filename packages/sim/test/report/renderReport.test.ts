import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { chromium } from 'playwright-core'
import { runPolicy } from '../../src/policy/runPolicy.js'
import { summarise } from '../../src/policy/summarise.js'
import { renderReport } from '../../src/report/renderReport.js'
import { example } from '../support/examples.js'

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

describe('HTML report', () => {
  test('is self-contained and its SVG charts render in headless Chromium without console errors', async () => {
    expect(
      existsSync(executablePath),
      `Chromium not found at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    ).toBe(true)
    const scenario = example('feed-loss')
    const detail = await Promise.all(
      (['static', 'reactive'] as const).map((p) => runPolicy(scenario, 1, p, { keepDetail: true })),
    )
    const html = renderReport({
      scenario,
      seeds: [1],
      summaries: detail.map((d) => summarise(d.policy, [d])),
      detail,
    })
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    const file = join(mkdtempSync(join(tmpdir(), 'busbar-report-')), 'report.html')
    writeFileSync(file, html)

    const browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`file://${file}`)
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect()
          return {
            chart: s.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: s.querySelectorAll('polyline, circle, rect').length,
          }
        }),
      )
      // Comparison, then per policy: one chart per bus and a timeline.
      expect(charts.map((c) => c.chart)).toEqual([
        'comparison',
        'bus-A',
        'bus-B',
        'timeline',
        'bus-A',
        'bus-B',
        'timeline',
      ])
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(0)
        expect(c.height).toBeGreaterThan(0)
        expect(c.marks).toBeGreaterThan(0)
      }
      const lineBox = await page.$eval(
        'svg[data-chart="bus-A"] polyline',
        (p) => p.getBoundingClientRect().width,
      )
      expect(lineBox).toBeGreaterThan(0)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
