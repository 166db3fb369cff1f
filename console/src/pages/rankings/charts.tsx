import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only the parts drawn here, so the bundle stays small.
echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** A plain bar chart (categories → counts), resized with its box. */
export function BarChartBox({
  labels,
  values,
  testid,
}: {
  labels: string[];
  values: number[];
  testid: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const data = JSON.stringify([labels, values]);
  useEffect(() => {
    const [xs, ys] = JSON.parse(data) as [string[], number[]];
    const chart = echarts.init(box.current!);
    chart.setOption({
      animation: false,
      tooltip: {},
      grid: { left: 40, right: 12, top: 12, bottom: 28 },
      xAxis: { type: 'category', data: xs },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: ys, itemStyle: { color: '#b3261e' } }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [data]);
  return <div ref={box} className="chart" data-testid={testid} />;
}
