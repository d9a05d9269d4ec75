// Line charts over uPlot (small, fast, no dependencies): one x axis (time or a number) and named
// series, resized with their container.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2'];

export interface ChartSpec {
  series: string[];
  time?: boolean;        // x is Unix seconds (default) or a plain number
  logX?: boolean;
  yLabel?: string;
  xLabel?: string;
  height?: number;
}

export class LineChart {
  private plot: uPlot;
  private observer: ResizeObserver;

  constructor(
    private readonly host: HTMLElement,
    spec: ChartSpec,
  ) {
    const opts: uPlot.Options = {
      width: Math.max(300, host.clientWidth),
      height: spec.height ?? 220,
      // Room on the right for the last x label (a log axis ends on a long one: 1,000,000).
      padding: [8, 32, 0, 0],
      scales: { x: { time: spec.time !== false, distr: spec.logX ? 3 : 1 } },
      axes: [{ label: spec.xLabel }, { label: spec.yLabel, size: 60 }],
      legend: { live: false },
      series: [{}, ...spec.series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true }))],
    };
    const empty: uPlot.AlignedData = [[], ...spec.series.map(() => [])];
    this.plot = new uPlot(opts, empty, host);
    this.observer = new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, host.clientWidth), height: opts.height! }));
    this.observer.observe(host);
  }

  set(x: number[], ys: (number | null)[][]): void {
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
    this.host.replaceChildren();
  }
}
