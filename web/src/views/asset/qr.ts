// The card's QR code (its payload is the URL the API returns,
// "<base>/a/<number>", which opens the mobile card page) and a printable
// label: number, name, unit and the code, in a window of its own.
import QRCode from 'qrcode'
import { translate } from '@/locales'

export function qrDataUrl(payload: string, width = 240): Promise<string> {
  return QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 1, width })
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export interface LabelData {
  number: string
  name: string
  org_name: string
  qr_payload: string
}

// Opens the label in a new window and the browser's print dialog. 60 × 40 mm,
// the common size of asset label stickers.
export async function printLabel(card: LabelData): Promise<void> {
  const qr = await qrDataUrl(card.qr_payload, 360)
  const w = window.open('', '_blank', 'width=480,height=360')
  if (!w) throw new Error(translate('asset.label.popupBlocked'))
  const rows = [
    [translate('asset.fields.org'), card.org_name],
    [translate('asset.fields.name'), card.name],
    [translate('asset.fields.number'), card.number],
  ]
  w.document.write(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>${escapeHtml(translate('asset.label.title'))} ${escapeHtml(card.number)}</title>
<style>
@page { size: 60mm 40mm; margin: 0; }
body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.label { width: 60mm; height: 40mm; box-sizing: border-box; padding: 2.5mm; display: flex; gap: 2mm; border: 0.2mm dashed #999; }
.label img { width: 26mm; height: 26mm; align-self: center; }
.text { flex: 1; min-width: 0; display: flex; flex-direction: column; justify-content: center; gap: 1.2mm; }
.title { font-weight: 700; font-size: 9pt; border-bottom: 0.3mm solid #000; padding-bottom: 0.8mm; }
.row { font-size: 7pt; line-height: 1.25; word-break: break-all; }
.row b { font-weight: 600; }
.num { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
@media print { .label { border: none; } }
</style></head><body>
<div class="label">
  <div class="text">
    <div class="title">${escapeHtml(translate('asset.label.heading'))}</div>
    ${rows.map(([k, v], i) => `<div class="row"><b>${escapeHtml(k!)}：</b><span class="${i === 2 ? 'num' : ''}">${escapeHtml(v!)}</span></div>`).join('')}
  </div>
  <img src="${qr}" alt="QR">
</div>
<script>window.onload = function () { window.focus(); window.print(); };<\/script>
</body></html>`)
  w.document.close()
}
