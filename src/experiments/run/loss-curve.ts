/** A training-loss curve for reports: the mean loss over consecutive windows of steps. */
export type CurvePoint = [step: number, meanLoss: number];

export class LossCurve {
  private points: CurvePoint[] = [];
  private sum = 0;
  private count = 0;
  private lastStep = 0;

  /** `window` steps per point; e.g. Math.ceil(stepsPerEpoch / 20) for 20 points per epoch. */
  constructor(private readonly window: number) {}

  add(step: number, loss: number): void {
    this.sum += loss;
    this.count++;
    this.lastStep = step;
    if (this.count >= this.window) this.close();
  }

  /** The points so far (a partial last window included), and start afresh. */
  take(): CurvePoint[] {
    if (this.count > 0) this.close();
    const out = this.points;
    this.points = [];
    return out;
  }

  private close(): void {
    this.points.push([this.lastStep, this.sum / this.count]);
    this.sum = 0;
    this.count = 0;
  }
}
