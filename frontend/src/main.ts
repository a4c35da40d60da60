import { createApp } from 'vue';
// Element Plus component by component (not the whole library): the bundle
// carries only what the pages use. ElMessageBox is imported where it asks.
import { ElButton, ElConfigProvider, ElInput, ElProgress, ElStep, ElSteps } from 'element-plus';
import 'element-plus/theme-chalk/base.css';
import 'element-plus/theme-chalk/el-button.css';
import 'element-plus/theme-chalk/el-config-provider.css';
import 'element-plus/theme-chalk/el-icon.css';
import 'element-plus/theme-chalk/el-input.css';
import 'element-plus/theme-chalk/el-message-box.css';
import 'element-plus/theme-chalk/el-overlay.css';
import 'element-plus/theme-chalk/el-progress.css';
import 'element-plus/theme-chalk/el-step.css';
import 'element-plus/theme-chalk/el-steps.css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { restore } from './lib/session';
import { lang } from './lib/i18n';

document.documentElement.lang = lang.value;
void restore().then(() => {
  const app = createApp(App);
  for (const c of [ElButton, ElConfigProvider, ElInput, ElProgress, ElStep, ElSteps]) app.use(c);
  app.use(router).mount('#app');
});
