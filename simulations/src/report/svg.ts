/**
 * Minimal SVG line and step plots. Hand-written: no plotting library is
 * installed, and three small charts need only axes, ticks and polylines.
 */
export interface Series {
  label: string
  points: Array<[number, number]>
  /** Draw as a step function (CDFs) */
  step?: boolean
  dashed?: boolean
}

export interface PlotInit {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  /** Fixed y range, e.g. [0, 1] for shares */
  yRange?: [number, number]
}

const WIDTH = 640
const HEIGHT = 400
const MARGIN = { left: 70, right: 20, top: 40, bottom: 60 }
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd']
const TICKS = 5

function escape (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function format (value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value)}`
  if (Math.abs(value) >= 10) return value.toFixed(0)
  return Number(value.toFixed(2)).toString()
}

export function plot (init: PlotInit): string {
  const all = init.series.flatMap(s => s.points)
  const xs = all.map(p => p[0])
  const ys = all.map(p => p[1])
  const xMin = Math.min(0, ...xs)
  const xMax = Math.max(xMin + 1, ...xs)
  const [yMin, yMax] = init.yRange ?? [Math.min(0, ...ys), Math.max(1, ...ys)]
  const w = WIDTH - MARGIN.left - MARGIN.right
  const h = HEIGHT - MARGIN.top - MARGIN.bottom
  const sx = (x: number): number => MARGIN.left + (x - xMin) / (xMax - xMin) * w
  const sy = (y: number): number => MARGIN.top + h - (y - yMin) / (yMax - yMin || 1) * h

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escape(init.title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + h}" x2="${MARGIN.left + w}" y2="${MARGIN.top + h}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + h}" stroke="black"/>`
  ]
  for (let i = 0; i <= TICKS; i++) {
    const x = xMin + (xMax - xMin) * i / TICKS
    const y = yMin + (yMax - yMin) * i / TICKS
    out.push(`<text x="${sx(x)}" y="${MARGIN.top + h + 18}" text-anchor="middle">${format(x)}</text>`)
    out.push(`<text x="${MARGIN.left - 8}" y="${sy(y) + 4}" text-anchor="end">${format(y)}</text>`)
    out.push(`<line x1="${MARGIN.left}" y1="${sy(y)}" x2="${MARGIN.left + w}" y2="${sy(y)}" stroke="#eee"/>`)
  }
  out.push(`<text x="${MARGIN.left + w / 2}" y="${HEIGHT - 15}" text-anchor="middle">${escape(init.xLabel)}</text>`)
  out.push(`<text x="18" y="${MARGIN.top + h / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + h / 2})">${escape(init.yLabel)}</text>`)

  init.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length]
    const points: string[] = []
    let previous: [number, number] | undefined
    for (const point of series.points) {
      if (series.step === true && previous != null) points.push(`${sx(point[0])},${sy(previous[1])}`)
      points.push(`${sx(point[0])},${sy(point[1])}`)
      previous = point
    }
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : ''
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.join(' ')}"/>`)
    out.push(`<text x="${MARGIN.left + 10}" y="${MARGIN.top + 14 + 16 * i}" fill="${colour}">${escape(series.label)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}
