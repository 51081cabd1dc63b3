import type { wallEn } from './wall-en';

/** 电视墙布局、键盘帮助与电子放大的中文消息。 */
export const wallZhCN: Record<keyof typeof wallEn, string> = {
  'wall.layoutBig': '{n} 画面（一大多小）',
  'wall.swapHint': '双击小画面即可放入大画面',
  'wall.help': '键盘快捷键',
  'wall.helpOpen': '键盘快捷键（?）',
  'wall.helpClose': '关闭',
  'wall.helpFooter': '关闭本帮助',
  'wall.key.help': '显示或隐藏本帮助',
  'wall.key.layout': '选择布局（按布局按钮的顺序）',
  'wall.key.move': '在画面之间移动',
  'wall.key.open': '打开所选摄像机（值守模式下单独显示）',
  'wall.key.alone': '单独显示所选画面，或返回多画面',
  'wall.key.fullscreen': '值守模式下未选画面时：切换全屏',
  'wall.key.swap': '把所选画面放入大画面（6 和 8 画面布局）',
  'wall.key.page': '上一页 / 下一页',
  'wall.key.back': '关闭帮助、返回多画面、取消所选画面',
  'wall.key.zoom': '单路画面：滚轮放大，拖动平移，双击恢复 1×',
  'zoom.level': '电子放大 {level}×',
  'zoom.reset': '恢复原始大小',
};
